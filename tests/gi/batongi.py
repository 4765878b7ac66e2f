# batongi.py: shared helpers of the GObject-introspection tests (tests/gi)
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# These tests use libbaton-1 the way a Python application does: only through
# `gi.repository.Baton`, against the real baton-server (BATON_SERVER), inside
# the test session (PipeWire with virtual devices). Each program is a list
# of test functions run in order and reported in TAP.

import gc
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import weakref

import gi

gi.require_version('Baton', '1')
gi.require_version('Gio', '2.0')
from gi.repository import Baton, Gio, GLib, GObject  # noqa: E402,F401 (re-exported)

SERVER = os.environ.get('BATON_SERVER')
USERS = ['alice', 'bob', 'carol', 'dave', 'erin']

# Everything the library logs at warning or critical level is a failure of
# the test that caused it, unless the test says it expects it.
LOG_DOMAINS = [None, 'Baton', 'Baton-Agent', 'Baton-Call', 'Baton-Client', 'Baton-Credential',
               'Baton-Devices', 'Baton-Media', 'Baton-Signaling', 'Baton-Transfer',
               'GLib', 'GLib-GObject', 'GLib-GIO', 'GLib-Net', 'GStreamer', 'libsoup', 'Json']


class Failure(Exception):
    pass


class Logs:
    def __init__(self):
        self.seen = []
        self.expected = []
        levels = GLib.LogLevelFlags.LEVEL_CRITICAL | GLib.LogLevelFlags.LEVEL_WARNING
        for domain in LOG_DOMAINS:
            GLib.log_set_handler(domain, levels | GLib.LogLevelFlags.FLAG_FATAL
                                 | GLib.LogLevelFlags.FLAG_RECURSION, self._handler, None)

    def _handler(self, domain, level, message, *user_data):
        self.seen.append((domain, int(level), message))
        print('# log %s: %s' % (domain, message), flush=True)

    def expect(self, fragment):
        """The current test expects a critical/warning containing @fragment."""
        self.expected.append(fragment)

    def take(self):
        """Returns the unexpected messages since the last take(), and whether
        each expected one was seen."""
        unexpected = []
        missing = list(self.expected)
        for domain, level, message in self.seen:
            hit = next((f for f in missing if f in message), None)
            if hit is None:
                hit = next((f for f in self.expected if f in message), None)
            if hit is None:
                unexpected.append('%s: %s' % (domain, message))
            elif hit in missing:
                missing.remove(hit)
        self.seen = []
        self.expected = []
        return unexpected, missing


LOGS = Logs()


def check(cond, what):
    if not cond:
        raise Failure(what)


def eq(got, want, what):
    if got != want:
        raise Failure('%s: got %r, want %r' % (what, got, want))


BATON_DOMAIN = GLib.quark_to_string(Baton.error_quark())


def expect_error(fn, code, what):
    """Calls @fn, which must raise a BatonError @code with a message."""
    try:
        fn()
    except GLib.Error as e:
        eq((e.domain, e.code), (BATON_DOMAIN, int(code)), what + ' (%s)' % e.message)
        check(e.message, what + ': the error has a message')
        return e
    raise Failure(what + ': no error raised')


def finish_into(box, finish, key='ok', error_key='error'):
    """A callback for an _async call: @finish (the name of its _finish
    method) gives the result into box[@key], or its GLib.Error into
    box[@error_key]."""
    def done(source, result, *user_data):
        try:
            box[key] = getattr(source, finish)(result)
        except GLib.Error as e:
            box[error_key] = e
    return done


def iterate(seconds):
    """Runs the main context for @seconds (a settle time, never an
    assertion of timing)."""
    ctx = GLib.MainContext.default()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ctx.iteration(False)
        time.sleep(0.002)


def wait_for(pred, timeout=10.0, what='condition'):
    """Runs the main context until pred() is true; fails after @timeout s."""
    ctx = GLib.MainContext.default()
    end = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > end:
            raise Failure('timed out after %.0f s waiting for %s' % (timeout, what))
        ctx.iteration(False)
        time.sleep(0.002)


def collect():
    """Drops Python's last references and lets GLib run pending idles."""
    for _ in range(3):
        gc.collect()
    iterate(0.05)


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Server:
    """A real baton-server on a free port of 127.0.0.1, in a temporary data
    directory with the users of USERS."""

    def __init__(self, time_scale=1.0):
        if not SERVER:
            raise RuntimeError('BATON_SERVER is not set')
        self.dir = tempfile.mkdtemp(prefix='baton-gi-')
        self.time_scale = time_scale
        self.proc = None
        for u in USERS:
            self.cli('user', 'add', u, '--display-name', u.title() + ' GI')
        self.port = free_port()
        self.start()

    @property
    def uri(self):
        return 'ws://127.0.0.1:%d' % self.port

    def start(self):
        for attempt in range(50):
            self.proc = subprocess.Popen(
                [SERVER, 'serve', '--listen', '127.0.0.1:%d' % self.port, '--data-dir', self.dir,
                 '--time-scale', str(self.time_scale)],
                stdout=subprocess.PIPE, text=True,
                stderr=None if os.environ.get('BATON_GI_SERVER_STDERR') else subprocess.DEVNULL)
            line = self.proc.stdout.readline().strip()
            if line.startswith('listening on ws://'):
                return
            self.proc.wait()
            time.sleep(0.1)  # the port may still be held for a moment
        raise RuntimeError('the server did not start: %r' % line)

    def cli(self, *args):
        return subprocess.run([SERVER, *args, '--data-dir', self.dir], check=True,
                              capture_output=True, text=True).stdout.strip()

    def token(self, user, ttl=None):
        return self.cli('token', user, *(['--ttl', str(ttl)] if ttl else []))

    def kill(self):
        """SIGKILL, as a crash."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def destroy(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


SRV = None
CLIENT = None
AGENTS = []


def create_agent_result(token, uri=None, client=None, display_name=None, timeout=15):
    """create_call_agent_async → (agent or None, GLib.Error or None)."""
    client = client or CLIENT
    options = Baton.CallAgentOptions.new(SRV.uri if uri is None else uri)
    if display_name is not None:
        options.props.display_name = display_name
    credential = Baton.TokenCredential.new(token)
    box = {}
    done = finish_into(box, 'create_call_agent_finish', 'agent')
    client.create_call_agent_async(credential, options, None, done)
    wait_for(lambda: box, timeout, 'create_call_agent_async')
    return box.get('agent'), box.get('error')


def agent(user, **kw):
    a, err = create_agent_result(SRV.token(user), **kw)
    if err is not None:
        raise Failure('agent %s: %s' % (user, err.message))
    AGENTS.append(a)
    return a


class Recorder:
    """Records a call's states and incoming calls of an agent."""

    def __init__(self, agent):
        # weakly: a test may drop the agent and expect it to go
        self._agent = weakref.ref(agent)
        self.incoming = []
        self.taken = 0
        self.states = []
        agent.connect('incoming-call', lambda a, inc: self.incoming.append(inc))
        agent.connect('connection-state-changed',
                      lambda a, old, new, reason: self.states.append((new, reason)))

    def next_incoming(self, timeout=20):
        """The next incoming call not yet taken by this method, waiting for
        it if need be."""
        wait_for(lambda: len(self.incoming) > self.taken, timeout, 'an incoming call')
        self.taken += 1
        return self.incoming[self.taken - 1]


def recorder(a):
    r = getattr(a, '_baton_recorder', None)
    if r is None:
        r = Recorder(a)
        a._baton_recorder = r
    return r


def wait_state(call, state, timeout=20):
    wait_for(lambda: call.props.state == state, timeout,
             'call state %s (now %s)' % (state.value_nick, call.props.state.value_nick))


def connected_call(a, b, timeout=20):
    """a calls b, b accepts: (a's call, b's call), both CONNECTED."""
    rb = recorder(b)
    rb.taken = len(rb.incoming)
    call_a = a.start_call(b.props.user_id)
    call_b = rb.next_incoming(timeout).accept()
    wait_state(call_a, Baton.CallState.CONNECTED, timeout)
    wait_state(call_b, Baton.CallState.CONNECTED, timeout)
    return call_a, call_b


def hold(call, held=True, timeout=10):
    """hold_async/resume_async → (ok, GLib.Error or None)."""
    box = {}
    done = finish_into(box, 'hold_finish' if held else 'resume_finish')

    if held:
        call.hold_async(None, done)
    else:
        call.resume_async(None, done)
    wait_for(lambda: box, timeout, 'hold/resume callback')
    return box.get('ok'), box.get('error')


def readable_properties(obj):
    """Every readable property as {name: value} (raises nothing)."""
    values = {}
    for pspec in GObject.list_properties(obj):
        if pspec.flags & GObject.ParamFlags.READABLE:
            values[pspec.name] = obj.get_property(pspec.name)
    return values


def shutdown_all():
    for a in AGENTS:
        try:
            a.shutdown()
        except Exception:
            pass
    AGENTS.clear()


def xfail(reason):
    """Marks a test as expected to fail (a bug not fixed here: TAP TODO,
    so meson counts an unexpected pass as a failure)."""
    def mark(fn):
        fn.todo = reason
        return fn
    return mark


def run(tests, time_scale=1.0, keep_agents=False):
    """Runs @tests (functions) in order against one server, prints TAP,
    and exits 1 if any failed. With @keep_agents the tests are steps of
    one story: the agents live on from one to the next."""
    global SRV, CLIENT
    print('1..%d' % len(tests), flush=True)
    SRV = Server(time_scale)
    CLIENT = Baton.CallClient.new()
    failed = 0
    try:
        for i, fn in enumerate(tests, 1):
            name = fn.__name__.replace('_', '-')
            err = None
            try:
                if SRV.proc.poll() is not None:
                    SRV.start()
                fn()
            except Exception as e:  # noqa: BLE001
                err = e
                tb = traceback.format_exc()
            finally:
                if not keep_agents:
                    shutdown_all()
                collect()
            unexpected, missing = LOGS.take()
            if err is None and unexpected:
                err = Failure('unexpected log messages: %s' % '; '.join(unexpected))
                tb = ''
            if err is None and missing:
                err = Failure('expected log messages not seen: %s' % missing)
                tb = ''
            todo = getattr(fn, 'todo', None)
            if err is None:
                print('ok %d - %s%s' % (i, name, ' # TODO ' + todo if todo else ''), flush=True)
            else:
                failed += 0 if todo else 1
                print('not ok %d - %s%s' % (i, name, ' # TODO ' + todo if todo else ''),
                      flush=True)
                for line in (tb or str(err)).rstrip().splitlines():
                    print('# ' + line, flush=True)
                if tb:
                    print('# ' + str(err), flush=True)
    finally:
        shutdown_all()
        SRV.destroy()
    sys.exit(1 if failed else 0)
