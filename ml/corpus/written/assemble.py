#!/usr/bin/env python3
"""Builds ml/data/written/<writer>.jsonl from the writers' batches and the second labellers' labels.
Each line: the contract-v1 report (reportId = UUIDv5 of writer and line), label and signals as settled, the writer's
facts, hard, and, where the two labellers disagreed, a review object with both labels and the convention that settled it."""
import json, os, re, sys, uuid, glob, unicodedata
# Usage: assemble.py WORKSPACE OUTDIR. WORKSPACE holds out/<writer>.jsonl (the writers' files), labels/<writer>.jsonl (the
# second labellers') and settled.json (how each disagreement was settled, by convention; this folder has the one used).
NS = uuid.UUID('6f1c2b7e-2110-4a5e-9d21-211211211211')
work = sys.argv[1]
SETTLED = json.load(open(os.path.join(work, 'settled.json'), encoding='utf-8')) if os.path.exists(os.path.join(work, 'settled.json')) else {}
out_dir = sys.argv[2]
os.makedirs(out_dir, exist_ok=True)
total = agree = sig_agree = 0
seen_texts = set()
dropped = 0


def same_text_key(text):
    # Texts that differ only in width, case, spaces or punctuation ("测试 测试123" and "测试测试123,") are one text.
    return re.sub(r'[\W_]+', '', unicodedata.normalize('NFKC', text).lower())


# Writers assembled earlier whose batches are not in this workspace stay as they are; their texts count as seen, so a
# later writer's repeat of one is left out.
batches = {os.path.basename(f)[:-6] for f in glob.glob(os.path.join(work, 'out', 'w*.jsonl'))}
for f in sorted(glob.glob(os.path.join(out_dir, 'w*.jsonl'))):
    if os.path.basename(f)[:-6] not in batches:
        seen_texts.update(same_text_key(json.loads(l)['text']) for l in open(f, encoding='utf-8') if l.strip())

for f in sorted(glob.glob(os.path.join(work, 'out', 'w*.jsonl'))):
    w = os.path.basename(f)[:-6]
    lab = os.path.join(work, 'labels', w + '.jsonl')
    if not os.path.exists(lab):
        print(w, 'not labelled yet'); continue
    rows = [json.loads(l) for l in open(f, encoding='utf-8') if l.strip()]
    second = [json.loads(l) for l in open(lab, encoding='utf-8') if l.strip()]
    if len(rows) != len(second):
        print(w, 'labels incomplete', len(second)); continue
    with open(os.path.join(out_dir, w + '.jsonl'), 'w', encoding='utf-8') as o:
        for i, (r, s) in enumerate(zip(rows, second), 1):
            assert s['n'] == i
            key = f'{w}:{i}'
            report = {'reportId': str(uuid.uuid5(NS, key))}
            report.update({k: v for k, v in r.items() if k not in ('label', 'signals', 'facts', 'hard')})
            total += 1
            same = r['label'] == s['label']; agree += same
            same_sig = set(r.get('signals', [])) == set(s.get('signals', [])); sig_agree += same_sig
            label, signals = r['label'], sorted(set(r.get('signals', [])))
            review = None
            if not same or not same_sig or key in SETTLED:
                settle = SETTLED.get(key)
                extra = set(s.get('signals', [])) - set(r.get('signals', []))
                if settle is None and same and r['label'] == 'orange' and extra and extra <= {'office_gathering', 'road_block'} \
                        and r.get('facts', {}).get('action') == 'planned':
                    # C4: a gathering at offices or a road block planned more than 48 hours ahead carries no signal.
                    settle = {'label': r['label'], 'signals': sorted(r.get('signals', [])), 'convention': 'C4'}
                if settle is None:
                    print('UNSETTLED', key, r['label'], s['label'], sorted(r.get('signals', [])), sorted(s.get('signals', [])), r['text'][:120].replace('\n', ' '))
                else:
                    label, signals = settle['label'], sorted(settle['signals'])
                review = {'writer': {'label': r['label'], 'signals': sorted(r.get('signals', []))},
                          'second': {'label': s['label'], 'signals': sorted(s.get('signals', []))},
                          'convention': (settle or {}).get('convention')}
            if same_text_key(r['text']) in seen_texts:
                # The same text from two writers (a bare greeting, a test message) would sit in training and test at once.
                dropped += 1
                continue
            seen_texts.add(same_text_key(r['text']))
            line = dict(report)
            line['label'] = label
            line['signals'] = signals
            line['facts'] = r.get('facts', {})
            line['hard'] = bool(r.get('hard'))
            line['writer'] = w
            if review: line['review'] = review
            o.write(json.dumps(line, ensure_ascii=False) + '\n')
print(f'{dropped} repeated texts left out');print(f'{total} reports; grade agreement {agree}/{total} = {agree/max(total,1):.4f}; signal agreement {sig_agree}/{total} = {sig_agree/max(total,1):.4f}')
