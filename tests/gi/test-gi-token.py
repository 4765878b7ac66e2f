#!/usr/bin/python3
# test-gi-token.py: BatonTokenCredential with a connected agent, from
# Python: refreshes handed in (good, another user's, garbage, expired), the
# token expiring while connected.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import batongi as T  # noqa: E402
from batongi import Baton, eq, wait_for, wait_state  # noqa: E402

CS = Baton.ConnectionState
DR = Baton.DisconnectReason
ST = Baton.CallState


def agent_with_credential(user):
    """An agent of @user and the credential it was made with."""
    return agent_with_credential_ttl(user, None)


def agent_with_credential_ttl(user, ttl):
    credential = Baton.TokenCredential.new(T.SRV.token(user, ttl=ttl))
    box = {}

    def done(client, result):
        box['agent'] = client.create_call_agent_finish(result)

    T.CLIENT.create_call_agent_async(credential, Baton.CallAgentOptions.new(T.SRV.uri), None,
                                     done)
    wait_for(lambda: box, 10, 'the agent of ' + user)
    T.AGENTS.append(box['agent'])
    return box['agent'], credential


def token_refresh_to_another_users_token_is_refused():
    a = T.agent('alice')
    c, credential = agent_with_credential('carol')
    call_a, call_c = T.connected_call(a, c)
    eq(c.props.user_id, 'carol', 'carol')
    for name, token in [('another user\'s', T.SRV.token('dave')), ('garbage', 'garbage'),
                        ('expired', None)]:
        if token is None:
            token = T.SRV.token('carol', ttl=1)
            T.iterate(1.5)
        credential.props.token = token
        T.iterate(0.5)
        eq(c.props.connection_state, CS.CONNECTED, 'still connected after a refused %s token' % name)
        eq(c.props.user_id, 'carol', 'still carol after %s token' % name)
        eq(call_c.props.state, ST.CONNECTED, 'the call goes on after %s token' % name)
    # a good one for carol is taken
    credential.props.token = T.SRV.token('carol', ttl=600)
    T.iterate(0.3)
    eq(c.props.connection_state, CS.CONNECTED, 'connected with a good token')
    call_a.hang_up()
    wait_state(call_c, ST.DISCONNECTED)


def token_expiry_and_refresh_from_python():
    """A token that expires while connected: the agent asks for a new one
    (refresh-needed); with one handed in it stays connected; without, it is
    DISCONNECTED / INVALID_TOKEN and its calls end 401/0."""
    b = T.agent('bob')
    results = {}
    for refresh in [True, False]:
        credential = Baton.TokenCredential.new(T.SRV.token('alice', ttl=3))
        asked = []

        def on_refresh(cred, refresh=refresh, asked=asked):
            asked.append(1)
            if refresh:
                cred.props.token = T.SRV.token('alice', ttl=600)

        credential.connect('refresh-needed', on_refresh)
        box = {}
        T.CLIENT.create_call_agent_async(credential, Baton.CallAgentOptions.new(T.SRV.uri), None,
                                         lambda c, r: box.setdefault('a', c.create_call_agent_finish(r)))
        wait_for(lambda: box, 10, 'agent')
        a = box['a']
        T.AGENTS.append(a)
        rec = T.recorder(a)
        call_a, call_b = T.connected_call(a, b)
        wait_for(lambda: asked, 5, 'refresh-needed')
        T.iterate(3.5)  # past the first token's expiry
        results[refresh] = (a.props.connection_state, a.props.disconnect_reason,
                            call_a.props.state, call_a.props.end_code)
        if refresh:
            eq(results[refresh][:3], (CS.CONNECTED, DR.NONE, ST.CONNECTED), 'refreshed: still on')
            call_a.hang_up()
        else:
            eq(results[refresh], (CS.DISCONNECTED, DR.INVALID_TOKEN, ST.DISCONNECTED, 401),
               'expired: disconnected, the call ended 401')
            eq(rec.states, [(CS.DISCONNECTED, DR.INVALID_TOKEN)], 'no retries')
            wait_state(call_b, ST.DISCONNECTED)
        a.shutdown()


def refused_token_not_used_to_reconnect():
    """A token refused in a refresh (another user's) must not be used to
    reconnect: the agent would come back as somebody else, its calls ended."""
    c, credential = agent_with_credential('carol')
    rec = T.recorder(c)
    credential.props.token = T.SRV.token('dave')
    T.iterate(0.5)
    # a clean restart closes the connection with 1001: the agent reconnects
    T.SRV.stop()
    T.SRV.start()
    b = T.agent('bob')
    call = None
    # carol is back once a call to her rings (offline 480 until then)
    for attempt in range(50):
        call = b.start_call('carol')
        wait_for(lambda: call.props.state != ST.CONNECTING, 10, 'ringing or offline')
        if call.props.state == ST.RINGING:
            break
        T.iterate(0.2)
    wait_for(lambda: rec.incoming, 10, 'the call rings on carol')
    inc = rec.incoming[-1]
    eq(c.props.user_id, 'carol', 'still carol after the reconnect')
    eq(c.props.connection_state, CS.CONNECTED, 'connected')
    eq(inc.props.caller_id, 'bob', 'carol gets bob\'s call')
    call.hang_up()


def refused_refresh_still_asks_in_time():
    """After a refused refresh (another user's token, valid for long) the
    credential still asks for a new token before the one in use expires:
    refresh-needed comes while the agent is connected, and a good token
    handed in then keeps it connected past the old token's expiry."""
    c, credential = agent_with_credential_ttl('carol', 5)
    rec = T.recorder(c)
    asked = []

    def on_refresh(cred):
        asked.append(c.props.connection_state)
        cred.props.token = T.SRV.token('carol', ttl=600)

    credential.connect('refresh-needed', on_refresh)
    credential.props.token = T.SRV.token('dave', ttl=600)  # refused: dave's
    eq(c.props.user_id, 'carol', 'still carol')
    wait_for(lambda: asked or c.props.connection_state != CS.CONNECTED, 15,
             'refresh-needed, or the agent going')
    eq(asked, [CS.CONNECTED], 'asked for a token while still connected')
    T.iterate(2)  # past the first token's expiry (5 s)
    eq(c.props.connection_state, CS.CONNECTED, 'connected with the refreshed token')
    eq(rec.states, [], 'never disconnected')


TESTS = [
    token_refresh_to_another_users_token_is_refused,
    refused_refresh_still_asks_in_time,
    refused_token_not_used_to_reconnect,
    token_expiry_and_refresh_from_python,
]

if __name__ == '__main__':
    T.run(TESTS)
