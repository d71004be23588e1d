#!/usr/bin/env python3
"""Checks a writer's JSONL file: one labelled report a line. Usage: python3 check.py FILE"""
import json, sys, collections, datetime
GRADES = {"none", "blue", "yellow", "orange", "red"}
SIGNALS = {"death", "self_harm", "violence", "arrest", "road_block", "office_gathering", "serious_injury"}
KINDS = {"platform", "site", "enterprise", "agent", "other"}
SECTORS = {"food_delivery", "courier", "ride_hailing", "freight", "domestic_service", "manufacturing", "construction", "other"}
CATS = {"wage_arrears", "collective_action", "pay_rule_change", "account_deactivation", "safety_incident", "working_hours",
        "social_insurance", "outsourcing_dispute", "closure_relocation", "other"}
ACTION = {"none", "rumoured", "planned", "underway"}
def iso(s):
    if not isinstance(s, str) or ("+" not in s[10:] and not s.endswith("Z") and "-" not in s[10:]): return False
    try: datetime.datetime.fromisoformat(s.replace("Z", "+00:00")); return True
    except ValueError: return False
errors = []; grades = collections.Counter(); langs = collections.Counter(); texts = set(); n = 0
for i, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    if not line.strip(): continue
    n += 1
    def err(m): errors.append(f"line {i}: {m}")
    try: r = json.loads(line)
    except Exception as e: err(f"not JSON: {e}"); continue
    if r.get("label") not in GRADES: err("label must be one of none, blue, yellow, orange, red")
    grades[r.get("label")] += 1
    sig = r.get("signals", [])
    if not isinstance(sig, list) or any(s not in SIGNALS for s in sig): err(f"signals must be a list drawn from {sorted(SIGNALS)}")
    f = r.get("facts", {})
    if not isinstance(f, dict): err("facts must be an object")
    else:
        for k in f:
            if k not in {"workers", "amountCny", "action", "hoursUntilAction"}: err(f"unknown facts key {k}")
        if f.get("action") is not None and f.get("action") not in ACTION: err("facts.action must be none, rumoured, planned or underway")
    if r.get("source") not in {"informant", "platform"}: err("source must be informant or platform")
    if not isinstance(r.get("reporter"), str) or not r["reporter"]: err("reporter is required")
    if not iso(r.get("occurredAt")): err("occurredAt must be ISO 8601 with offset")
    loc = r.get("location")
    if not isinstance(loc, dict) or not loc.get("city"): err("location.city is required")
    sub = r.get("subject")
    if not isinstance(sub, dict) or sub.get("kind") not in KINDS or not sub.get("name"): err("subject.kind (platform|site|enterprise|agent|other) and subject.name are required")
    if r.get("sector") is not None and r["sector"] not in SECTORS: err("bad sector")
    if r.get("category") is not None and r["category"] not in CATS: err("bad category")
    ca = r.get("collectiveAction")
    if ca is not None:
        if not isinstance(ca, dict) or ca.get("status") not in ACTION: err("collectiveAction.status bad")
        elif ca.get("expectedAt") is not None and not iso(ca["expectedAt"]): err("collectiveAction.expectedAt must be ISO 8601 with offset")
    for k in ("workersAffected",):
        if r.get(k) is not None and (not isinstance(r[k], int) or r[k] < 0): err(f"{k} must be an integer >= 0")
    if r.get("amountOwedCny") is not None and (not isinstance(r["amountOwedCny"], (int, float)) or r["amountOwedCny"] < 0): err("amountOwedCny must be a number >= 0")
    t = r.get("text")
    if not isinstance(t, str) or not (1 <= len(t) <= 4000): err("text must be 1 to 4,000 characters")
    elif t in texts: err("the same text appears twice")
    else: texts.add(t)
    if r.get("language") not in {"zh", "en"}: err("language must be zh or en")
    langs[r.get("language")] += 1
    if "reportId" in r: err("leave reportId out (it is assigned later)")
print(f"{n} reports; grades {dict(grades)}; languages {dict(langs)}")
print("\n".join(errors[:50]) if errors else "OK")
sys.exit(1 if errors else 0)
