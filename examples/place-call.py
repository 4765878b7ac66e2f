#!/usr/bin/python3
# place-call.py: sign in to a Baton calling service and place a call.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   BATON_TOKEN=$(baton-server token alice --data-dir DIR) \
#     ./place-call.py --server ws://127.0.0.1:8480 bob
#
# Prints the states of the call, talks for --talk seconds once connected,
# hangs up, and exits 0 if the call connected and ended normally.

import argparse
import os
import sys

import gi

gi.require_version("Baton", "1")
from gi.repository import Baton, GLib  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description="Place a call with libbaton")
    parser.add_argument("callee", help="user id to call")
    parser.add_argument("--server", default=os.environ.get("BATON_SERVER_URI", "ws://127.0.0.1:8480"),
                        help="service URI (default: $BATON_SERVER_URI)")
    parser.add_argument("--token", default=os.environ.get("BATON_TOKEN"),
                        help="access token (default: $BATON_TOKEN)")
    parser.add_argument("--talk", type=float, default=1.0,
                        help="seconds to stay in the call once connected")
    args = parser.parse_args()
    if not args.token:
        parser.error("no token: pass --token or set BATON_TOKEN")

    loop = GLib.MainLoop()
    state = {"agent": None, "call": None, "connected": False, "status": 1}

    def finish(status):
        state["status"] = status
        if state["agent"] is not None:
            state["agent"].shutdown()
        loop.quit()

    def on_call_state(call, old_state, new_state):
        print("call:", new_state.value_nick, flush=True)
        if new_state == Baton.CallState.CONNECTED and not state["connected"]:
            state["connected"] = True
            GLib.timeout_add(int(args.talk * 1000), lambda: call.hang_up() or False)
        elif new_state == Baton.CallState.DISCONNECTED:
            print(f"ended: {call.props.end_code}/{call.props.end_subcode} {call.props.end_message}",
                  flush=True)
            ok = state["connected"] and call.props.end_code == 0
            finish(0 if ok else 2)

    def on_agent(client, result):
        try:
            agent = client.create_call_agent_finish(result)
        except GLib.Error as error:
            print("could not sign in:", error.message, file=sys.stderr)
            finish(1)
            return
        state["agent"] = agent
        print("signed in as", agent.props.user_id, flush=True)
        call = agent.start_call(args.callee)
        state["call"] = call
        call.connect("state-changed", on_call_state)

    client = Baton.CallClient.new()
    credential = Baton.TokenCredential.new(args.token)
    options = Baton.CallAgentOptions.new(args.server)
    client.create_call_agent_async(credential, options, None, on_agent)
    loop.run()
    return state["status"]


if __name__ == "__main__":
    sys.exit(main())
