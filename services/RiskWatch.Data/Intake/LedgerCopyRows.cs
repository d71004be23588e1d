namespace RiskWatch.Data.Intake;

/// <summary>Rows of <c>intake_ledger</c> in PostgreSQL's binary COPY format (<see cref="BinaryCopyRows"/>), in the order of <see cref="Columns"/>.</summary>
internal sealed class LedgerCopyRows : BinaryCopyRows
{
    public const string Columns = "report_id, tracking_code, channel, source, reporter, incident_key, follow_up_of, about, submitted_by, "
        + "city_key, district_key, street_key, tracking_code_version";

    private const short FieldCount = 13;

    public LedgerCopyRows()
        : base("intake_ledger", Columns)
    {
    }

    public void Add(LedgerEntry entry)
    {
        StartRow(FieldCount);
        WriteUuid(entry.ReportId);
        WriteText(entry.TrackingCode);
        WriteText(entry.Channel);
        WriteText(entry.Source);
        WriteText(entry.Reporter);
        WriteText(entry.IncidentKey);
        WriteUuid(entry.FollowUpOf);
        WriteText(entry.About);
        WriteText(entry.SubmittedBy);
        WriteText(entry.Place?.City);
        WriteText(entry.Place?.District);
        WriteText(entry.Place?.Street);
        WriteField(2).WriteInt16((short)entry.TrackingCodeVersion);
    }
}
