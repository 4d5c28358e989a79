import json, sys, numpy as np
def emb(d):
    m=json.load(open(d+'/manifest.json'))
    t=[x for x in m['tensors'] if x['name'].endswith('embedding')][0]
    raw=open(d+'/'+m['dataFile'],'rb').read()[t['byteOffset']:t['byteOffset']+t['byteLength']]
    return np.frombuffer(raw,dtype=np.float32).reshape(t['shape'])
for d in sys.argv[1:]:
    e=emb(d)
    rms=lambda a: float(np.sqrt((a**2).mean()))
    print(d, 'rows', e.shape[0], 'rms by frequency rank: 2-100 %.3f, 100-1000 %.3f, 1000-4000 %.3f, 4000-end %.3f' % (rms(e[2:100]), rms(e[100:1000]), rms(e[1000:4000]), rms(e[4000:])))
