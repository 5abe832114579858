#!/usr/bin/python3
"""The python3-libvirt side of the inventory benchmark.

inventory URI       -> listAllDomains(), then XMLDesc() of each, parsed with xml.etree.ElementTree
lookups URI < names -> lookupByName() of each name read from stdin, one after another
Prints one line: <items> <seconds>, timed from before open to after close.
"""
import sys
import time
import xml.etree.ElementTree as ElementTree

import libvirt


def main():
    mode, uri = sys.argv[1], sys.argv[2]
    names = [line.strip() for line in sys.stdin] if mode == "lookups" else []
    start = time.perf_counter()
    conn = libvirt.open(uri)
    if mode == "inventory":
        items = 0
        for dom in conn.listAllDomains(0):
            if ElementTree.fromstring(dom.XMLDesc(0)).tag == "domain":
                items += 1
    else:
        items = sum(1 for name in names if conn.lookupByName(name).UUID())
    conn.close()
    print(items, time.perf_counter() - start)


if __name__ == "__main__":
    main()
