"""looplab_trace: CPython's own asyncio loop, recorded in the looplab trace schema.

The looplab viewer draws what a C++ student loop did from a trace file whose names are fixed by
labs/common/TRACE_SCHEMA.md. This module makes CPython 3.11's asyncio write the same file, with
the same names, so the two loops can be watched one above the other. It records:

  on the loop thread (named "loop"):
    run_once  (iteration)  one pass of BaseEventLoop._run_once, enclosing all below
    wait      (wait)       the selector's select(), when it may block (a zero-timeout poll is not drawn)
    callback  (callback)   one Handle run: a task's name for a task step, else the callback's name
    step      (step)       inside a task's callback: its step (args.task = the task's id)
    ready queue, timer heap (queue counters)  their lengths at the start of each iteration
    call_at, cancelled     (timer instants)   a timer scheduled, a timer cancelled
    slow callback          (slow instant)     debug mode: what asyncio logs as "Executing ... took"
  per task:                b/e (task)         from create_task to the end of its last step
  on executor-0, executor-1, ...:
    run_in_executor        (executor)         one job, from the moment a worker picks it up
  flows (s where the cause ran, f inside the span it caused):
    call_soon, call_at, call_soon_threadsafe  from the scheduling call to the callback's span
    submit                 from run_in_executor's call (inside the task step) to the job's span

Why these hooks. asyncio has no tracing API, so each record sits at the narrowest place that sees it:
  * TracingSelector, a selectors.DefaultSelector subclass handed to SelectorEventLoop (a public
    parameter), times select(): that call is the loop's wait step.
  * TracingEventLoop, a SelectorEventLoop subclass, overrides the public scheduling methods
    (call_soon, call_at, call_soon_threadsafe, create_task, run_in_executor) for flows and tasks,
    and two private ones, because asyncio offers nothing public there: _run_once (one iteration)
    and _timer_handle_cancelled (TimerHandle.cancel's call back into its loop).
  * Handle._run is wrapped once, for the whole process: _run_once calls it for every ready
    handle, and it is the only place that sees a callback start and end. The wrapper traces only
    handles of a TracingEventLoop and leaves every other loop untouched.
  * TracingThreadPoolExecutor, a ThreadPoolExecutor subclass, is the loop's default executor
    (set with the public set_default_executor on first use). Its submit() starts the submit
    flow; each job runs inside an executor span on a worker named executor-N.
None of this changes what the loop does: the callbacks, their order and their threads are CPython's.
Written for and tested on CPython 3.11 (the private names above are 3.11's), standard library only.

Use it:
    tracer = Tracer()
    loop = TracingEventLoop(tracer)
    loop.run_until_complete(main())
    tracer.write_json("trace.json")
"""

import asyncio
import concurrent.futures
import contextlib
import contextvars
import functools
import itertools
import json
import platform
import selectors
import threading
import time
import weakref

__all__ = ["Tracer", "TracingEventLoop", "TracingSelector", "TracingThreadPoolExecutor"]


class Tracer:
    """Collects events from any thread; write_json() writes them in the looplab schema.

    Each thread appends to a list of its own (no lock per event); the lists are merged, each
    sorted by time, when the file is written, as labs/common/trace.cpp does for the C++ loops.
    """

    def __init__(self):
        self._zero_ns = time.perf_counter_ns()  # ts 0: when recording started
        self._lock = threading.Lock()           # guards _threads (a thread's first event only)
        self._threads = []                      # one _ThreadEvents per thread, in order: tid = index + 1
        self._local = threading.local()
        self._ids = itertools.count(1)          # task ids and flow ids, from one counter, as in C++

    # --- recording ----------------------------------------------------------------------------
    def new_id(self):
        return next(self._ids)  # itertools.count is one C call: safe from any thread under the GIL

    def now_ns(self):
        return time.perf_counter_ns()

    def name_thread(self, name):
        """Names the calling thread's lane (loop, executor-0, ...)."""
        self._this_thread().name = name

    def complete(self, cat, name, start_ns, end_ns, args=None):
        """An X span that ran from start_ns to end_ns on this thread."""
        self._record(start_ns, end_ns - start_ns, {"ph": "X", "cat": cat, "name": name}, args)

    @contextlib.contextmanager
    def span(self, cat, name, args=None):
        """An X span around the body of a with statement."""
        start = self.now_ns()
        try:
            yield
        finally:
            self.complete(cat, name, start, self.now_ns(), args)

    def instant(self, cat, name, args=None):
        self._record(self.now_ns(), None, {"ph": "i", "cat": cat, "name": name, "s": "t"}, args)

    def counter(self, name, key, value):
        self._record(self.now_ns(), None, {"ph": "C", "cat": "queue", "name": name}, {key: value})

    def flow_start(self, name):
        """The s end of a flow, here and now; returns its id for flow_end."""
        flow = self.new_id()
        self._record(self.now_ns(), None, {"ph": "s", "cat": "flow", "name": name, "id": flow})
        return flow

    def flow_end(self, flow, name):
        """The f end: call it just inside the span it binds to ("bp":"e")."""
        self._record(self.now_ns(), None, {"ph": "f", "cat": "flow", "name": name, "id": flow, "bp": "e"})

    def task_begin(self, task_id, name, at_ns=None):
        self._record(at_ns or self.now_ns(), None, {"ph": "b", "cat": "task", "name": name, "id": hex(task_id)})

    def task_end(self, task_id, name):
        self._record(self.now_ns(), None, {"ph": "e", "cat": "task", "name": name, "id": hex(task_id)})

    # --- writing ------------------------------------------------------------------------------
    def to_json(self):
        """The whole trace as the schema's file: thread names first, then each thread's events
        sorted by start, an enclosing span before what it encloses (the longer one first)."""
        with self._lock:
            threads = list(self._threads)
        lines = [json.dumps({"ph": "M", "name": "thread_name", "pid": 1, "tid": t.tid, "args": {"name": t.name}})
                 for t in threads]
        for thread in threads:
            for ts_ns, dur_ns, event in sorted(thread.events, key=lambda e: (e[0], -(e[1] or 0))):
                lines.append(json.dumps(self._render(thread.tid, ts_ns, dur_ns, event)))
        other = {"producer": f"cpython-asyncio {platform.python_version()} (python/looplab_trace.py)", "schema": 1}
        # One event a line, like the C++ recorder's files: easy to grep and to diff.
        return ('{"traceEvents":[\n' + ",\n".join(lines) + '\n],"displayTimeUnit":"ms","otherData":'
                + json.dumps(other) + "}\n")

    def write_json(self, path):
        with open(path, "w", encoding="utf-8") as out:
            out.write(self.to_json())

    # --- inside -------------------------------------------------------------------------------
    def _this_thread(self):
        thread = getattr(self._local, "events", None)
        if thread is None:
            with self._lock:
                tid = len(self._threads) + 1
                thread = _ThreadEvents(tid, f"thread-{tid}")  # until it is named
                self._threads.append(thread)
            self._local.events = thread
        return thread

    def _record(self, ts_ns, dur_ns, event, args=None):
        if args:
            event["args"] = args
        self._this_thread().events.append((ts_ns, dur_ns, event))

    def _render(self, tid, ts_ns, dur_ns, event):
        # Microseconds since the start, nanoseconds kept as the fraction (the schema's unit).
        out = {"ph": event["ph"], "cat": event["cat"], "name": event["name"], "pid": 1, "tid": tid,
               "ts": round((ts_ns - self._zero_ns) / 1000, 3)}
        if dur_ns is not None:
            out["dur"] = round(dur_ns / 1000, 3)
        out.update((k, v) for k, v in event.items() if k not in out)
        return out


class _ThreadEvents:
    __slots__ = ("tid", "name", "events")

    def __init__(self, tid, name):
        self.tid, self.name, self.events = tid, name, []


class TracingSelector(selectors.DefaultSelector):
    """The loop's selector; select() is asyncio's wait step, the only place the loop sleeps."""

    def __init__(self, tracer):
        super().__init__()
        self._tracer = tracer

    def select(self, timeout=None):
        if timeout is not None and timeout <= 0:
            return super().select(timeout)  # a poll: it cannot block, so it is not drawn
        with self._tracer.span("wait", "wait"):
            return super().select(timeout)


# The name a job submitted to a TracingThreadPoolExecutor gets: "run_in_executor" while
# TracingEventLoop.run_in_executor is submitting it (asyncio.to_thread included), as in C++.
_job_name = contextvars.ContextVar("looplab_job_name", default="executor job")


class TracingEventLoop(asyncio.SelectorEventLoop):
    """asyncio's own selector event loop, recording into `tracer` as it runs."""

    def __init__(self, tracer):
        super().__init__(TracingSelector(tracer))
        self.tracer = tracer
        self._task_ids = weakref.WeakKeyDictionary()    # task -> its trace id
        self._created_ns = weakref.WeakKeyDictionary()  # task -> when create_task made it
        # A scheduled handle's flow (id, name), keyed by id(handle): asyncio's handles have
        # __slots__, so the flow cannot ride on the handle, and TimerHandle's __eq__ compares
        # deadlines, so a dict keyed by the handles themselves could mix two timers up.
        self._flows = {}
        # call_soon_threadsafe runs on another thread: the loop may run its handle before that
        # thread has stored the flow, unless storing and looking up take turns.
        self._flows_lock = threading.Lock()

    # --- the iteration ------------------------------------------------------------------------
    def run_forever(self):
        self.tracer.name_thread("loop")
        super().run_forever()

    def _run_once(self):
        # Private in CPython, and the one place an iteration begins and ends.
        with self.tracer.span("iteration", "run_once"):
            self.tracer.counter("ready queue", "length", len(self._ready))
            self.tracer.counter("timer heap", "length", len(self._scheduled))
            super()._run_once()

    # --- scheduling: each call starts a flow that ends in the callback's span -----------------
    def call_soon(self, callback, *args, context=None):
        flow = self.tracer.flow_start("call_soon")
        handle = super().call_soon(callback, *args, context=context)
        self._remember_flow(handle, flow, "call_soon")
        return handle

    def call_at(self, when, callback, *args, context=None):
        # call_later and asyncio.sleep come here too. The instant first: the viewer reads the
        # timer's deadline (ts + delay_us) off the call_at instant just before the flow.
        delay_us = max(0, int((when - self.time()) * 1_000_000))
        self.tracer.instant("timer", "call_at", {"detail": callable_name(callback), "delay_us": delay_us})
        flow = self.tracer.flow_start("call_at")
        handle = super().call_at(when, callback, *args, context=context)
        self._remember_flow(handle, flow, "call_at")
        return handle

    def call_soon_threadsafe(self, callback, *args, context=None):
        flow = self.tracer.flow_start("call_soon_threadsafe")
        with self._flows_lock:
            handle = super().call_soon_threadsafe(callback, *args, context=context)
            self._flows[id(handle)] = (flow, "call_soon_threadsafe")
        return handle

    def _timer_handle_cancelled(self, handle):
        # Private: TimerHandle.cancel() calls it on its loop. asyncio.sleep cancels its timer
        # on the way out even after it fired; only a timer still in the heap is really cancelled.
        if handle._scheduled:
            self.tracer.instant("timer", "cancelled", {"detail": callable_name(handle._callback)})
            self._take_flow(handle)  # it will never run, so its flow never ends
        super()._timer_handle_cancelled(handle)

    def create_task(self, coro, *, name=None, context=None):
        # asyncio.create_task, ensure_future and run_until_complete all come here. The task's b
        # event waits for its first step: asyncio.create_task(coro, name=...) names the task
        # only after this returns, and the lane should carry that name.
        created_ns = self.tracer.now_ns()
        task = super().create_task(coro, name=name, context=context)
        self._created_ns[task] = created_ns
        return task

    def run_in_executor(self, executor, func, *args):
        # The default executor is made on first use, as CPython makes its own: a loop that never
        # used one has none to shut down (shutdown_default_executor then starts no thread).
        if executor is None and self._default_executor is None:
            self.set_default_executor(TracingThreadPoolExecutor(self.tracer))
        name = _job_name.set("run_in_executor")
        try:
            return super().run_in_executor(executor, func, *args)
        finally:
            _job_name.reset(name)

    # --- running one handle (called by the Handle._run wrapper below) -------------------------
    def _run_handle(self, handle, run):
        """Runs `handle` with `run` (the original Handle._run) inside its callback span, and, for a
        task, a step span inside that: a task's step is the callback asyncio scheduled for it."""
        task = task_of(handle._callback)
        name = task.get_name() if task is not None else callable_name(handle._callback)
        start = self.tracer.now_ns()
        with self.tracer.span("callback", name):
            flow = self._take_flow(handle)
            if flow is not None:
                self.tracer.flow_end(*flow)
            if task is None:
                run(handle)
            else:
                with self.tracer.span("step", name, {"task": self._task_id(task)}):
                    run(handle)
            self._report_if_slow(name, self.tracer.now_ns() - start)
        if task is not None and task.done():
            self.tracer.task_end(self._task_id(task), name)  # its last step has just ended

    def _report_if_slow(self, name, took_ns):
        # The rule asyncio's debug mode logs by (_run_once): a callback that held the loop for
        # slow_callback_duration (0.1 s) or longer.
        took = took_ns / 1e9
        if self.get_debug() and took >= self.slow_callback_duration:
            self.tracer.instant("slow", "slow callback", {"detail": f"Executing {name} took {took:.3f} seconds"})

    def _remember_flow(self, handle, flow, name):
        with self._flows_lock:
            self._flows[id(handle)] = (flow, name)

    def _take_flow(self, handle):
        with self._flows_lock:
            return self._flows.pop(id(handle), None)

    def _task_id(self, task):
        """The task's trace id. The first time it is asked for (the task's first step), its b
        event is recorded, dated when create_task made it."""
        task_id = self._task_ids.get(task)
        if task_id is None:
            task_id = self._task_ids[task] = self.tracer.new_id()
            self.tracer.task_begin(task_id, task.get_name(), self._created_ns.pop(task, None))
        return task_id


class TracingThreadPoolExecutor(concurrent.futures.ThreadPoolExecutor):
    """A ThreadPoolExecutor whose jobs are recorded: the submit flow from the submitting thread,
    and an executor span per job on its worker's lane, executor-0, executor-1, ..."""

    def __init__(self, tracer, max_workers=None):
        # The Python threads keep asyncio's default executor's names (asyncio_0, ...); the
        # trace numbers this executor's workers from 0, as the schema says.
        super().__init__(max_workers, thread_name_prefix="asyncio")
        self._tracer = tracer
        self._worker_numbers = itertools.count()
        self._worker = threading.local()

    def submit(self, fn, /, *args, **kwargs):
        flow = self._tracer.flow_start("submit")  # inside the caller's span: the task step
        return super().submit(self._run_job, _job_name.get(), flow, functools.partial(fn, *args, **kwargs))

    def _run_job(self, name, flow, job):
        """On a worker thread: the job inside its span, the submit flow's f at the span's start.
        Its result is handed back after the span ends (the concurrent future's done callback,
        which asyncio turns into call_soon_threadsafe), so that flow starts just after it."""
        if not getattr(self._worker, "named", False):
            self._tracer.name_thread(f"executor-{next(self._worker_numbers)}")
            self._worker.named = True
        with self._tracer.span("executor", name):
            self._tracer.flow_end(flow, "submit")
            return job()


# What a task schedules to run its next step: in the C implementation (_asyncio.Task) a
# TaskStepMethWrapper or the task's task_wakeup method, in the Python one (asyncio.tasks._PyTask)
# its __step or __wakeup method. Each has the task as __self__.
_TASK_STEP_CALLBACKS = {"TaskStepMethWrapper", "task_wakeup", "__step", "__wakeup"}


def task_of(callback):
    """The task whose step `callback` runs, or None for any other callback (task.cancel, say,
    scheduled with call_later, is a plain callback, not a step)."""
    owner = getattr(callback, "__self__", None)
    if not isinstance(owner, asyncio.Task):
        return None
    name = getattr(callback, "__name__", None) or type(callback).__name__
    return owner if name in _TASK_STEP_CALLBACKS else None


def callable_name(callback):
    """A short readable name for a callback: _set_state, BaseSelectorEventLoop._read_from_self."""
    while isinstance(callback, functools.partial):
        callback = callback.func
    return getattr(callback, "__qualname__", None) or type(callback).__name__


_plain_handle_run = asyncio.events.Handle._run


def _traced_handle_run(handle):
    if isinstance(handle._loop, TracingEventLoop):
        handle._loop._run_handle(handle, _plain_handle_run)
    else:
        _plain_handle_run(handle)


# Installed when this module is imported; TimerHandle inherits it. Loops that are not
# TracingEventLoops run their handles exactly as before.
asyncio.events.Handle._run = _traced_handle_run
