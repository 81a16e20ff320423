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
  K <counter> <expected> <final>                      a shared counter at the end (index into names)
  Y <lock> <acquisitions> <contended> <wait_ns> <longest_wait_ns> <longest_hold_ns>
                                                      what a lock cost (index into names)
  F <lock> <from> <to> <release_ns> <acquired_ns>     a lock handed from a releasing task to one
                                                      that waited for it and now runs on
  X <text>                                            the run could not go on
  D                                                   every task reported
kind: 0 queued 1 start 2 end 3 failed 4 cancelled 5 span begin 6 span end;
span: 0 cpu 1 io 2 gil-wait 3 spawn 4 ipc 5 ready-wait 6 not-running 7 lock-wait, 255 none;
lane and phase 65535 = none, task 4294967295 = none.
"""

import os
import threading
import time

PROTOCOL_VERSION = 1
MIN_PYTHON = (3, 8)

QUEUED, START, END, FAILED, CANCELLED, BEGIN, SPAN_END = range(7)
CPU, IO, GIL_WAIT, SPAWN, IPC, READY, NOT_RUNNING, LOCK_WAIT = range(8)
# Phase kinds in the job: [0, ms] cpu, [1, ms] io, [2, lock] acquire,
# [3, lock] release, [4, counter, times, io_ms] increment (io_ms < 0: none);
# lock and counter are indexes into the job's "names".
PHASE_CPU, PHASE_IO, PHASE_ACQUIRE, PHASE_RELEASE, PHASE_INCREMENT = range(5)
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
        self.later(line)
        self.flush()

    def later(self, line):
        """A line sent with the lane's next write."""
        self.parts.append(line + "\n")
        self.size += len(line) + 1
        if self.size > FLUSH_BYTES:
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


class Deadlocked(Exception):
    """The task waited for a lock in a cycle of waits: it fails (its locks go
    to those waiting behind it)."""


class SharedState:
    """A run's locks and counters, and the book that finds deadlocks.

    Every lock of the run lives in one book guarded by one condition
    (threading.Condition for py-sequential and py-threads, a
    multiprocessing.Condition with the tallies in shared memory for
    py-processes): acquiring marks the task as waiting, looks for a cycle
    of waits (a deadlock: every task in it fails, the one that closed it at
    once, the others as they wake) and otherwise waits on the condition
    until the lock is free. A counter is a plain integer cell (a list in
    the process, a RawArray between processes): each step reads it, does a
    little work, writes it back; nothing guards the pair, so steps of
    tasks that interleave lose updates for real.
    """

    def __init__(self, job, cond=None, array=None):
        names = len(job.get("names", []))
        tasks = len(job["tasks"])
        array = array or (lambda n: [0] * n)
        self.cond = cond or threading.Condition()
        self.owner = array(names)        # lock -> task + 1 (0: free)
        self.waits = array(tasks)        # task -> lock + 1 (0: none)
        self.doomed = array(tasks)       # in a deadlock: fail when next woken
        self.value = array(names)        # counters
        self.steps = array(names)        # increments done per counter
        self.used = array(names)         # 1: a lock, 2: a counter
        self.acquisitions = array(names)
        self.contended = array(names)
        self.wait_ns = array(names)
        self.longest_wait = array(names)
        self.longest_hold = array(names)
        self.held_since = array(names)
        self.released_by = array(names)  # lock -> the task that last released it + 1
        self.released_at = array(names)
        self.names = job.get("names", [])

    def _cycle(self, task):
        """The tasks of a cycle of waits through `task`, or []."""
        chain, t = [task], task
        for _ in range(len(self.waits)):
            lock = self.waits[t] - 1
            holder = self.owner[lock] - 1 if lock >= 0 else -1
            if holder < 0:
                return []
            if holder == task:
                return chain
            chain.append(holder)
            t = holder
        return []

    def _cycle_text(self, members):
        parts = []
        for k, t in enumerate(members):
            waits = self.waits[t] - 1
            holds = self.waits[members[k - 1]] - 1
            parts.append("task %d holds %s, waits for %s" % (t, clean(self.names[holds]), clean(self.names[waits])))
        low = min(range(len(parts)), key=lambda k: members[k])
        return "; ".join(parts[low:] + parts[:low])

    def _granted(self, lock, task, now, waited):
        self.owner[lock] = task + 1
        self.held_since[lock] = now
        self.acquisitions[lock] += 1
        if waited >= 0:
            self.contended[lock] += 1
            self.wait_ns[lock] += waited
            self.longest_wait[lock] = max(self.longest_wait[lock], waited)

    def ask(self, lane, task, phase, lock, wait_lane):
        """Under the book's lock: a free lock is taken (None is returned);
        otherwise the wait begins (its start is returned) — unless it closes
        a cycle of waits, which fails every task in it (Deadlocked here)."""
        self.used[lock] = 1
        asked = monotonic_ns()
        if self.owner[lock] == 0:
            self._granted(lock, task, asked, -1)
            return None
        lane.event(asked, BEGIN, task, LOCK_WAIT, phase, lane=wait_lane)
        self.waits[task] = lock + 1
        members = self._cycle(task)
        if members:
            text = self._cycle_text(members)
            for m in members:
                self.doomed[m] = 1
            self.waits[task] = 0
            self.cond.notify_all()
            lane.event(monotonic_ns(), SPAN_END, task, LOCK_WAIT, phase, lane=wait_lane)
            lane.incident("deadlock", text, task=min(members), value=len(members))
            raise Deadlocked()
        return asked

    def got(self, lane, task, phase, lock, asked, wait_lane):
        """Under the book's lock, woken with the lock free (or doomed)."""
        self.waits[task] = 0
        now = monotonic_ns()
        lane.event(now, SPAN_END, task, LOCK_WAIT, phase, lane=wait_lane)
        if self.doomed[task]:
            raise Deadlocked()
        self._granted(lock, task, now, now - asked)
        if self.released_by[lock]:
            # The handoff: who let go of the lock this task waited for.
            lane.later("F %d %d %d %d %d" % (lock, self.released_by[lock] - 1, task, self.released_at[lock], now))

    def free_for(self, lock, task):
        return self.owner[lock] == 0 or self.doomed[task]

    def acquire(self, lane, task, phase, lock, wait_lane=None):
        with self.cond:
            asked = self.ask(lane, task, phase, lock, wait_lane)
            if asked is None:
                return
            lane.flush()
            while not self.free_for(lock, task):
                self.cond.wait()
            self.got(lane, task, phase, lock, asked, wait_lane)

    def release(self, task, lock):
        with self.cond:
            if self.owner[lock] == task + 1:
                self._free(lock, monotonic_ns(), task)
                self.cond.notify_all()

    def _free(self, lock, now, task):
        self.owner[lock] = 0
        self.released_by[lock] = task + 1
        self.released_at[lock] = now
        self.longest_hold[lock] = max(self.longest_hold[lock], now - self.held_since[lock])

    def abandon(self, task):
        """A task that failed: its locks go free, it waits for none."""
        with self.cond:
            now = monotonic_ns()
            for lock in range(len(self.owner)):
                if self.owner[lock] == task + 1:
                    self._free(lock, now, task)
            self.waits[task] = 0
            self.cond.notify_all()

    def step_counter(self, counter):
        """One read-modify-write step, unguarded: read, a little work, write."""
        read = self.value[counter]
        x = read
        for _ in range(4):
            x = (x * 2654435761 + 1) & 0xFFFFFFFF
        self.value[counter] = read + 1 + (x & 0)

    def count(self, counter, done):
        with self.cond:
            self.used[counter] = 2
            self.steps[counter] += done

    def report(self, lane):
        """The K and Y lines: every counter and lock the run used."""
        for k in range(len(self.used)):
            if self.used[k] == 2:
                lane.text("K %d %d %d" % (k, self.steps[k], self.value[k]))
            elif self.used[k] == 1:
                lane.text("Y %d %d %d %d %d %d" % (k, self.acquisitions[k], self.contended[k], self.wait_ns[k],
                                                   self.longest_wait[k], self.longest_hold[k]))


class LoopCondition:
    """The event loop's stand-in for a Condition: one thread, so no lock;
    waiting is a future the next notify_all() resolves."""

    def __init__(self):
        self.waiters = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def notify_all(self):
        waiters, self.waiters = self.waiters, []
        for f in waiters:
            if not f.done():
                f.set_result(None)

    async def wait(self):
        import asyncio
        f = asyncio.get_running_loop().create_future()
        self.waiters.append(f)
        await f


async def acquire_on_loop(shared, lane, task, phase, lock):
    """SharedState.acquire for py-asyncio (as asyncio.Lock behaves: a
    waiting task yields to the loop); the wait is on no lane, like io."""
    asked = shared.ask(lane, task, phase, lock, NO_LANE)
    if asked is None:
        return
    while not shared.free_for(lock, task):
        await shared.cond.wait()
    shared.got(lane, task, phase, lock, asked, NO_LANE)


def increment_blocking(lane, shared, index, p, counter, times, io_ms):
    """An increment phase on a thread: one cpu span of steps, or with an io
    between read and write, an io span per step."""
    if io_ms < 0:
        w, c = monotonic_ns(), thread_time_ns()
        lane.event(w, BEGIN, index, CPU, p)
        for _ in range(times):
            shared.step_counter(counter)
        lane.event(monotonic_ns(), SPAN_END, index, CPU, p, (thread_time_ns() - c + 500) // 1000)
    else:
        for _ in range(times):
            read = shared.value[counter]
            sleep_io(lane, index, p, io_ms)
            shared.value[counter] = read + 1
    shared.count(counter, times)


def run_task_blocking(lane, index, phases, shared=None):
    """Runs one task on this thread. A deadlocked task fails (its locks
    released); any other exception is the caller's to report."""
    lane.event(monotonic_ns(), START, index)
    try:
        for p, phase in enumerate(phases):
            kind = phase[0]
            if kind == PHASE_CPU:
                burn_cpu(lane, index, p, phase[1])
            elif kind == PHASE_IO:
                sleep_io(lane, index, p, phase[1])
            elif kind == PHASE_ACQUIRE:
                shared.acquire(lane, index, p, phase[1])
            elif kind == PHASE_RELEASE:
                shared.release(index, phase[1])
            else:
                increment_blocking(lane, shared, index, p, phase[1], phase[2], phase[3])
    except Deadlocked:
        shared.abandon(index)
        lane.event(monotonic_ns(), FAILED, index)
        lane.flush()
        return
    except BaseException:
        if shared is not None:
            shared.abandon(index)
        raise
    lane.event(monotonic_ns(), END, index)
    lane.flush_if_old()


def thread_name(prefix):
    return "%s (tid %d)" % (prefix, threading.get_native_id())
