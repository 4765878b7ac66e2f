#!/usr/bin/python3
# test-app-a11y.py: Baton as a screen reader finds it, in each main state
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# UX.md: "Every control has an accessible name." A screen reader (Orca) knows
# the app only through the accessibility bus (AT-SPI), so that is where this
# test looks: it starts the real `baton` (BATON_APP) signed in with --server
# and BATON_TOKEN against the real baton-server, places calls to it from SDK
# agents, and acts only as an assistive technology does — AT-SPI's "click" on
# Accept, Transfer, page tabs and menu items, its selection on the call list.
# In every state it walks the app's accessible tree: each control that is
# shown (a button, switch, entry, spin button, combo box, level bar, menu
# item, page tab, list item …) must have a name, and a name a person can
# hear: not a widget class name, no mnemonic underscore ("_Transfer"), not
# the same words twice ("Ringtone Ringtone"). Windows other than the main one
# must say they are dialogs.

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'gi'))

import batongi  # noqa: E402
from batongi import Baton, check, iterate, wait_for  # noqa: E402

import gi  # noqa: E402

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402

R = Atspi.Role
S = Atspi.StateType

CONTROLS = {R.PUSH_BUTTON, R.TOGGLE_BUTTON, R.CHECK_BOX, R.RADIO_BUTTON, R.ENTRY,
            R.PASSWORD_TEXT, R.SPIN_BUTTON, R.COMBO_BOX, R.SLIDER, R.LEVEL_BAR,
            R.MENU_ITEM, R.CHECK_MENU_ITEM, R.RADIO_MENU_ITEM, R.PAGE_TAB, R.LINK,
            R.LIST_ITEM, R.TEXT}
CLASS_NAME = re.compile(r'^(Gtk|Adw)[A-Z]\w*$')

APP = None      # the baton process
ROOT = None     # its accessible application


def name_problem(name):
    """What is wrong with @name as a control's accessible name, or None."""
    if not name.strip() or CLASS_NAME.match(name):
        return 'no name'
    if re.search(r'(^|\W)_\w', name):
        return 'a mnemonic underscore'
    words = name.split()
    half = len(words) // 2
    if half and len(words) % 2 == 0 and words[:half] == words[half:]:
        return 'the same words twice'
    return None


def walk(node, path=()):
    """(node, role, name, path) of @node and everything below it that is
    visible, as far as the visible chain goes, as the app says now (not
    from libatspi's cache, which GTK 4.8 does not always keep up to date:
    a stack's page switched away stayed in it)."""
    if not path:
        node.clear_cache()
    try:
        role = node.get_role()
        name = node.get_name() or ''
        visible = node.get_state_set().contains(S.VISIBLE)
        children = [node.get_child_at_index(i) for i in range(node.get_child_count())]
        path = path + ('%s %r' % (node.get_role_name(), name),)
    except gi.repository.GLib.Error:
        return  # gone while we looked
    if not visible and role != R.APPLICATION:
        return
    yield node, role, name, path
    for child in children:
        if child is not None:
            yield from walk(child, path)


def windows():
    return [ROOT.get_child_at_index(i) for i in range(ROOT.get_child_count())]


def window(name):
    for w in windows():
        if w is not None and w.get_name() == name:
            return w
    return None


def find(root, role, name, prefix=False):
    """The first shown @role named @name (or starting with it) below @root
    that AT-SPI can act on when it is a button, tab or menu item."""
    actionable = role in (R.PUSH_BUTTON, R.TOGGLE_BUTTON, R.PAGE_TAB, R.MENU_ITEM)
    for node, r, n, _ in walk(root):
        if r == role and (n == name or (prefix and n.startswith(name))):
            try:
                if not actionable or node.get_n_actions() > 0:
                    return node
            except gi.repository.GLib.Error:
                pass  # gone while we looked
    return None


def wait_find(root, role, name, prefix=False, timeout=20):
    box = {}

    def found():
        box['node'] = find(root, role, name, prefix)
        return box['node'] is not None
    wait_for(found, timeout, '%s %r' % (role.value_nick, name))
    return box['node']


def click(root, role, name, prefix=False):
    """AT-SPI's first action ("click") on the control, as a screen reader
    user activates it."""
    node = wait_find(root, role, name, prefix)
    check(node.do_action(0), 'AT-SPI could not act on %s %r' % (role.value_nick, name))
    iterate(0.5)


def on_screen(node):
    """Whether @node takes room on the screen: a hidden search bar's entry
    or an unused menu button has no size, and no one can reach it."""
    try:
        size = node.get_size()
    except gi.repository.GLib.Error:
        return False
    return size.x > 0 and size.y > 0


def check_names(root, state):
    """Fails with every shown control below @root whose name is wrong."""
    problems = []
    for node, role, name, path in walk(root):
        if role in CONTROLS and on_screen(node):
            problem = name_problem(name)
            if problem:
                problems.append('%s has %s (in %s)'
                                % (path[-1], problem, ' / '.join(path[1:-1][-3:])))
    check(not problems, '%s: %d controls a screen reader cannot name well:\n%s'
          % (state, len(problems), '\n'.join(problems)))


def check_dialog(name, state):
    wait_for(lambda: window(name) is not None, 20, 'the window %r' % name)
    w = window(name)
    check(w.get_role() == R.DIALOG, '%s: the window %r is a %s, not a dialog'
          % (state, name, w.get_role_name()))
    check_names(w, state)
    return w


def start_app():
    global APP
    env = dict(os.environ, BATON_TOKEN=batongi.SRV.token('alice'))
    APP = subprocess.Popen([os.environ['BATON_APP'], '--server', batongi.SRV.uri], env=env)

    def registered():
        global ROOT
        desktop = Atspi.get_desktop(0)
        for i in range(desktop.get_child_count()):
            app = desktop.get_child_at_index(i)
            if app is not None and app.get_process_id() == APP.pid and app.get_child_count() > 0:
                ROOT = app
                return window('Baton') is not None
        return False
    wait_for(registered, 30, 'Baton on the accessibility bus')


def main_window():
    return window('Baton')


def select_call_row(prefix):
    """Selects the call row whose name starts with @prefix through the
    list's AT-SPI selection (what a screen reader's arrow keys do)."""
    row = wait_find(main_window(), R.LIST_ITEM, prefix, prefix=True)
    check(row.get_parent().select_child(row.get_index_in_parent()), 'selecting %r' % prefix)
    iterate(0.5)


CALLS = {}


def main_window_in_every_call_state():
    start_app()
    win = main_window()
    check_names(win, 'signed in, no call')

    bob = batongi.agent('bob')
    CALLS['bob'] = bob.start_call('alice')
    click(win, R.PUSH_BUTTON, 'Accept')     # the ringing call is selected
    batongi.wait_state(CALLS['bob'], Baton.CallState.CONNECTED)
    wait_find(win, R.PUSH_BUTTON, 'Hang Up')
    check_names(win, 'one call')

    click(win, R.PUSH_BUTTON, 'Keypad')
    check_names(win, 'the keypad open')
    click(win, R.PUSH_BUTTON, 'Keypad')

    carol = batongi.agent('carol')
    CALLS['carol'] = carol.start_call('alice')
    wait_find(win, R.LIST_ITEM, 'Carol GI,', prefix=True)
    check_names(win, 'a second call ringing')
    select_call_row('Carol GI,')
    click(win, R.PUSH_BUTTON, 'Accept')
    batongi.wait_state(CALLS['carol'], Baton.CallState.CONNECTED)
    batongi.wait_state(CALLS['bob'], Baton.CallState.REMOTE_HOLD)
    check_names(win, 'two calls, one held')


def transfer_dialog_both_pages():
    win = main_window()
    title = 'Transfer Carol GI'
    click(win, R.PUSH_BUTTON, 'Transfer')
    dialog = check_dialog(title, 'the transfer dialog')
    tabs = [n for _, r, n, _ in walk(dialog) if r == R.PAGE_TAB]
    check(len(tabs) == 2, 'the transfer dialog has two page tabs: %r' % tabs)
    for tab in reversed(tabs):
        click(dialog, R.PAGE_TAB, tab)
        check_names(dialog, 'the transfer dialog, page %r' % tab)
    click(dialog, R.PUSH_BUTTON, 'Cancel')
    wait_for(lambda: window(title) is None, 10, 'the transfer dialog to close')


def preferences_every_page():
    win = main_window()
    click(win, R.PUSH_BUTTON, 'Main Menu')
    click(win, R.MENU_ITEM, 'Preferences')
    wait_for(lambda: window('Preferences') is not None, 20, 'the Preferences window')
    prefs = window('Preferences')
    tabs = []
    for _, r, n, _ in walk(prefs):
        if r == R.PAGE_TAB and n not in tabs:
            tabs.append(n)
    check(len(tabs) == 3, 'Preferences has three pages: %r' % tabs)
    for tab in tabs:
        click(prefs, R.PAGE_TAB, tab)
        check_names(prefs, 'Preferences, page %r' % tab)
    click(prefs, R.PUSH_BUTTON, 'Close')
    wait_for(lambda: window('Preferences') is None, 10, 'Preferences to close')


def shortcuts_window():
    win = main_window()
    click(win, R.PUSH_BUTTON, 'Main Menu')
    click(win, R.MENU_ITEM, 'Keyboard Shortcuts')
    wait_for(lambda: len(windows()) > 1, 20, 'the shortcuts window')
    shortcuts = next(w for w in windows() if w.get_name() != 'Baton')
    check_names(shortcuts, 'the shortcuts window')
    click(shortcuts, R.PUSH_BUTTON, 'Close')
    wait_for(lambda: len(windows()) == 1, 10, 'the shortcuts window to close')


def press_keys(keys):
    """Real key presses (XTest) into the main window, focused first."""
    xids = subprocess.run(['xdotool', 'search', '--onlyvisible', '--pid', str(APP.pid), '--name', '^Baton$'],
                          capture_output=True, text=True, timeout=20).stdout.split()
    check(xids, 'the main window on the X server')
    subprocess.run(['xdotool', 'windowfocus', xids[0]], check=True, timeout=20)
    wait_for(lambda: main_window().get_state_set().contains(S.ACTIVE), 10, 'the main window active')
    subprocess.run(['xdotool', 'key', '--clearmodifiers', keys], check=True, timeout=20)
    iterate(0.5)


def transfer_confirmation():
    """Ctrl+Shift+T (the keyboard's drag of a call onto the other): the
    confirmation is a dialog whose buttons are named."""
    press_keys('ctrl+shift+t')
    wait_for(lambda: len(windows()) > 1, 20, 'the confirmation')
    confirm = next(w for w in windows() if w.get_name() != 'Baton')
    check(confirm.get_role() == R.DIALOG, 'the confirmation %r is a %s, not a dialog'
          % (confirm.get_name(), confirm.get_role_name()))
    check_names(confirm, 'the transfer confirmation')
    click(confirm, R.PUSH_BUTTON, 'Cancel')
    wait_for(lambda: len(windows()) == 1, 10, 'the confirmation to close')


def banner_while_the_server_is_away():
    win = main_window()
    batongi.SRV.stop()
    wait_find(win, R.LABEL, "Can't reach the server", prefix=True, timeout=30)
    check_names(win, 'the server away')
    batongi.SRV.start()


def welcome_page_after_sign_out():
    win = main_window()
    for call in CALLS.values():
        call.hang_up()
    click(win, R.PUSH_BUTTON, 'Main Menu')
    click(win, R.MENU_ITEM, 'Sign Out')
    wait_find(win, R.PUSH_BUTTON, 'Sign In', timeout=30)
    check_names(win, 'the welcome page')


def close_other_windows():
    """After a step, whatever it left open goes (Escape in each window other
    than the main one), so that one failure does not fail the steps after it."""
    for _ in range(3):
        others = [w for w in windows() if w is not None and w.get_name() != 'Baton']
        if not others:
            return
        for w in others:
            for label in ('Cancel', 'Close'):
                node = find(w, R.PUSH_BUTTON, label)
                if node is not None:
                    node.do_action(0)
                    break
        iterate(1)


def step(fn):
    def run_step():
        try:
            fn()
        finally:
            close_other_windows()
    run_step.__name__ = fn.__name__
    return run_step


def main():
    # AT-SPI's calls wait 0.8 s by default; opening a window on a loaded
    # machine takes longer than that (a timeout is not what is tested here)
    Atspi.set_timeout(20000, 30000)
    tests = [main_window_in_every_call_state, transfer_dialog_both_pages,
             transfer_confirmation, preferences_every_page, shortcuts_window,
             banner_while_the_server_is_away, welcome_page_after_sign_out]
    try:
        batongi.run([step(t) for t in tests], keep_agents=True)
    finally:
        if APP is not None and APP.poll() is None:
            APP.terminate()
            APP.wait(10)


if __name__ == '__main__':
    main()
