#!/usr/bin/env python3
"""ptyrun.py COLUMNS COMMAND [ARG...]: runs COMMAND with its standard output on a pseudo-
terminal COLUMNS wide (TIOCSWINSZ, and COLUMNS in the environment), and writes what it
printed to our standard output, the terminal's CR LF turned back into LF. Standard error
is left alone. Exits with the command's status."""
import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios

cols = int(sys.argv[1])
main, sub = pty.openpty()
fcntl.ioctl(sub, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
env = dict(os.environ, COLUMNS=str(cols))
proc = subprocess.Popen(sys.argv[2:], stdout=sub, env=env)
os.close(sub)
out = b""
while True:
    try:
        chunk = os.read(main, 65536)
    except OSError:  # EIO: the other side is closed
        break
    if not chunk:
        break
    out += chunk
os.close(main)
sys.stdout.buffer.write(out.replace(b"\r\n", b"\n"))
sys.exit(proc.wait())
