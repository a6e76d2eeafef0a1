"""Writes data.csv (~100 MB, label,text) from the real lines in .assets/text; every 50th text gets an
embedded newline, doubled quotes and a comma so the quoted paths are exercised."""
import csv, glob, sys

root = sys.argv[1]
lines = []
for f in sorted(glob.glob(root + '/.assets/text/*.txt')):
    label = f.split('/')[-1].split('-')[0]
    lines += [(label, l.rstrip('\n')) for l in open(f, encoding='utf-8') if l.strip()]
with open('data.csv', 'w', encoding='utf-8', newline='') as out:
    w = csv.writer(out, lineterminator='\n')
    w.writerow(['label', 'text'])
    size = i = 0
    while size < 100_000_000:
        label, t = lines[i % len(lines)]
        if i % 50 == 0:
            t = t + '\n"quoted" part, ' + t[:40]
        w.writerow([label, t])
        size += len(t.encode()) + len(label) + 4
        i += 1
