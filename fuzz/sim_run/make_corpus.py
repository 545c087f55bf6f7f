#!/usr/bin/env python3
"""Regenerate fuzz/sim_run/corpus: each binary-form scenario seed of
fuzz/scenario_bin/corpus, wrapped in the sim_run layout (4 config bytes,
16-bit length, scenario, choice bytes), with two configurations each."""
import glob, os, struct
here = os.path.dirname(os.path.abspath(__file__))
src = os.path.join(here, '..', 'scenario_bin', 'corpus')
dst = os.path.join(here, 'corpus')
os.makedirs(dst, exist_ok=True)
for f in sorted(glob.glob(os.path.join(src, '*'))):
    sc = open(f, 'rb').read()[:60000]
    for j, hdr in enumerate([b'\x00\x00\x00\x00', b'\x03\x02\x10\x08']):
        blob = hdr + struct.pack('<H', len(sc)) + sc + bytes(range(j * 7, j * 7 + 32))
        open(os.path.join(dst, '%s.%d' % (os.path.basename(f), j)), 'wb').write(blob)
