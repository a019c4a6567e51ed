#!/usr/bin/env python3
"""Times a command in a pseudo-terminal (80x24) and prints one JSON line.

  pty_frame.py --mode first-frame [--timeout S] -- CMD ...   ms until the first output that has visible text
  pty_frame.py --mode match --pattern RE [--timeout S] -- CMD  ms until the visible text matches RE
  pty_frame.py --mode exit [--timeout S] -- CMD ...          ms until the command exits (baseline)

The clock starts just before the child is spawned. In the first two modes the child's process
group is killed as soon as the frame is seen. CI / CI_* are removed from the child's environment
(Ink treats CI=true as non-interactive). "Visible" = anything but whitespace once ANSI escape
sequences are stripped.
"""
import argparse
import fcntl
import json
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time

ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|\x1b[()][0-9A-Za-z]")


def visible(raw: bytes) -> str:
    text = ANSI.sub("", raw.decode("utf-8", errors="ignore"))
    return "".join(ch for ch in text if ch.isprintable() and not ch.isspace() or ch == " ").strip()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["first-frame", "match", "exit"], required=True)
    parser.add_argument("--pattern")
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command")
    pattern = re.compile(args.pattern) if args.pattern else None

    env = {k: v for k, v in os.environ.items() if k != "CI" and not k.startswith("CI_")}
    env.setdefault("TERM", "xterm-256color")

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))

    def make_controlling_tty() -> None:
        # start_new_session already called setsid(); adopt the pty as controlling terminal.
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    start = time.perf_counter()
    proc = subprocess.Popen(
        command, env=env, stdin=slave, stdout=slave, stderr=slave,
        start_new_session=True, preexec_fn=make_controlling_tty, close_fds=True,
    )
    os.close(slave)

    def kill() -> None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    output = bytearray()
    result = None
    deadline = start + args.timeout

    if args.mode == "exit":
        def drain() -> None:
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                output.extend(chunk)

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        try:
            code = proc.wait(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            kill()
            proc.wait()
            print(json.dumps({"error": f"timeout after {args.timeout}s", "text": visible(bytes(output))[:300]}))
            return 1
        ms = (time.perf_counter() - start) * 1000
        result = {"ms": ms, "exitCode": code}
    else:
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                break
            ready, _, _ = select.select([master], [], [], remaining)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                chunk = b""
            if not chunk:
                break
            output.extend(chunk)
            text = visible(bytes(output))
            done = bool(text) if args.mode == "first-frame" else bool(pattern.search(text))
            if done:
                ms = (time.perf_counter() - start) * 1000
                result = {"ms": ms, "text": text[:300]}
                break
        kill()
        proc.wait()
        if result is None:
            print(json.dumps({"error": f"no {'visible output' if args.mode == 'first-frame' else 'match for ' + args.pattern} "
                                       f"within {args.timeout}s (exit {proc.returncode})",
                              "text": visible(bytes(output))[:500]}))
            os.close(master)
            return 1
    os.close(master)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
