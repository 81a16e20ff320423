"""What every Interleave Python mode shares: the event line protocol and the
phases themselves (interleave_runner.py and interleave_dask.py import it;
it imports neither).

A cpu phase is a pure-Python loop until time.thread_time_ns() has advanced
by the phase's milliseconds; an io phase is time.sleep. Timestamps are
time.monotonic_ns(): CLOCK_MONOTONIC, the engine's clock.

CPython reports no GIL events. What the loop can measure is its own thread
CPU clock against the wall clock: a step in which the wall clock advanced
more than GAP_NS beyond the thread's CPU time is time the thread was ready
but not computing (waiting for the GIL, or for a core from the OS). It is
recorded as a "not running" span between two cpu pieces, placed after the
step's own computing (the error is one step, a few microseconds).

Output protocol (text lines, UTF-8, every write whole lines of at most
PIPE_BUF bytes, so threads and processes share stdout without a lock):
  H <version> <pid> <python version> <monotonic_ns>   first line
  L <lane> <name>                                     a lane's name
  <t_ns> <kind> <task> <lane> <phase> <span> <cpu_us> an event
  N <kind> <lane> <pid> <task> <value> <detail>       something went wrong, the run went on
                                                      (kind: an engine incident name; -1: none)
  C <within_ns> <text>                                how exactly remote clocks were aligned
  X <text>                                            the run could not go on
  D                                                   every task reported
kind: 0 queued 1 start 2 end 3 failed 4 cancelled 5 span begin 6 span end;
span: 0 cpu 1 io 2 gil-wait 3 spawn 4 ipc 5 ready-wait 6 not-running, 255 none;
lane and phase 65535 = none, task 4294967295 = none.
"""

import os
import threading
import time

PROTOCOL_VERSION = 1
MIN_PYTHON = (3, 8)

QUEUED, START, END, FAILED, CANCELLED, BEGIN, SPAN_END = range(7)
CPU, IO, GIL_WAIT, SPAWN, IPC, READY, NOT_RUNNING = range(7)
NONE_SPAN = 255
NO_LANE = 65535
NO_PHASE = 65535
NO_TASK = 4294967295

GAP_NS = 200_000        # a step this much longer in wall than in CPU time: not running
STEP_ROUNDS = 200       # loop rounds between two clock reads (a few microseconds)
FLUSH_BYTES = 3500      # below PIPE_BUF (4096): one write stays one atomic piece
FLUSH_AGE_NS = 20_000_000  # the window draws every 25 ms: send at least that often
LONG_PHASE_MS = 20.0    # a phase this long is announced at once (live view)

monotonic_ns = time.monotonic_ns
thread_time_ns = time.thread_time_ns


def write_all(data):
    """One os.write of whole lines (<= PIPE_BUF bytes: atomic on a pipe)."""
    view = memoryview(data)
    while view:
        n = os.write(1, view)
        view = view[n:]


class Lane:
    """A lane's own event buffer: no lock, sent in batches of whole lines."""

    def __init__(self, index):
        self.index = index
        self.parts = []
        self.size = 0
        self.last_flush = monotonic_ns()

    def event(self, t, kind, task, span=NONE_SPAN, phase=NO_PHASE, cpu_us=0, lane=None):
        line = "%d %d %d %d %d %d %d\n" % (t, kind, task, self.index if lane is None else lane,
                                           phase, span, cpu_us)
        self.parts.append(line)
        self.size += len(line)
        if self.size > FLUSH_BYTES:
            self.flush()

    def incident(self, kind, detail, lane=-1, pid=0, task=-1, value=0):
        """An incident the run survived, as data (kind: one of the engine's
        incident names; -1 for no lane or task, 0 for no pid)."""
        self.text("N %s %d %d %d %d %s" % (kind, lane, pid, task, value, clean(detail)))

    def text(self, line):
        self.parts.append(line + "\n")
        self.size += len(line) + 1
        self.flush()

    def flush_if_old(self):
        if self.parts and monotonic_ns() - self.last_flush >= FLUSH_AGE_NS:
            self.flush()

    def flush(self):
        if not self.parts:
            return
        data = "".join(self.parts).encode("utf-8", "replace")
        self.parts = []
        self.size = 0
        self.last_flush = monotonic_ns()
        # Split at line ends so no write exceeds PIPE_BUF.
        start = 0
        while start < len(data):
            end = len(data) if len(data) - start <= 4096 else data.rfind(b"\n", start, start + 4096) + 1
            if end <= start:
                end = start + 4096
            write_all(data[start:end])
            start = end


def clean(text):
    """One line of text for the protocol."""
    return " ".join(str(text).split())


def burn_cpu(lane, task, phase, ms):
    """Computes until this thread's CPU clock advanced by ms, splitting the
    span where the thread stood still (not running: GIL or OS)."""
    need = int(ms * 1e6 + 0.5)
    w = monotonic_ns()
    c = thread_time_ns()
    lane.event(w, BEGIN, task, CPU, phase)
    if ms >= LONG_PHASE_MS:
        lane.flush()
    goal = c + need
    piece_c = c
    x = 0
    while c < goal:
        pw, pc = w, c
        for i in range(STEP_ROUNDS):
            x += i * i
        c = thread_time_ns()
        w = monotonic_ns()
        ran = c - pc
        if (w - pw) - ran > GAP_NS:
            stop = pw + ran
            lane.event(stop, SPAN_END, task, CPU, phase, (c - piece_c + 500) // 1000)
            lane.event(stop, BEGIN, task, NOT_RUNNING, phase)
            lane.event(w, SPAN_END, task, NOT_RUNNING, phase)
            lane.event(w, BEGIN, task, CPU, phase)
            piece_c = c
    lane.event(w, SPAN_END, task, CPU, phase, (c - piece_c + 500) // 1000)
    return x


def sleep_io(lane, task, phase, ms):
    t = monotonic_ns()
    lane.event(t, BEGIN, task, IO, phase)
    if ms >= LONG_PHASE_MS:
        lane.flush()
    deadline = t + int(ms * 1e6 + 0.5)
    # time.sleep may wake a little early by the monotonic clock's reckoning
    # (it rounds to its own clock); never end an io phase before its time.
    while True:
        left = deadline - monotonic_ns()
        if left <= 0:
            break
        time.sleep(left / 1e9)
    lane.event(monotonic_ns(), SPAN_END, task, IO, phase)


def run_task_blocking(lane, index, phases):
    lane.event(monotonic_ns(), START, index)
    for p, (kind, ms) in enumerate(phases):
        if kind == 0:
            burn_cpu(lane, index, p, ms)
        else:
            sleep_io(lane, index, p, ms)
    lane.event(monotonic_ns(), END, index)
    lane.flush_if_old()


def thread_name(prefix):
    return "%s (tid %d)" % (prefix, threading.get_native_id())
