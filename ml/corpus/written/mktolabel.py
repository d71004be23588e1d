import json, os, sys
# Usage: mktolabel.py WORKSPACE WRITER...: the writer's reports without labels, numbered, for the second labeller.
work = sys.argv[1]
keys=['source','reporter','occurredAt','location','subject','sector','category','workersAffected','amountOwedCny','collectiveAction','text','language']
for w in sys.argv[2:]:
    out=open(os.path.join(work, 'tolabel', w + '.jsonl'), 'w', encoding='utf-8')
    n=0
    for i,l in enumerate(open(os.path.join(work, 'out', w + '.jsonl'), encoding='utf-8'),1):
        if not l.strip(): continue
        x=json.loads(l); y={'n':i}
        for k in keys:
            if k in x: y[k]=x[k]
        out.write(json.dumps(y,ensure_ascii=False)+'\n'); n+=1
    print(w,n)
