/* baton-call-client.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "Baton-Client"

#include "config.h"

#include "baton-call-agent-private.h"
#include "baton-call-client.h"
#include "baton-device-manager-private.h"
#include "baton-log-private.h"

/**
 * BatonCallClient:
 *
 * The entry point of libbaton: creates [class@CallAgent]s and owns the
 * [class@DeviceManager] their calls use.
 *
 * ```c
 * g_autoptr(BatonCallClient) client = baton_call_client_new ();
 * g_autoptr(BatonTokenCredential) credential = baton_token_credential_new (token);
 * g_autoptr(BatonCallAgentOptions) options = baton_call_agent_options_new ("ws://127.0.0.1:8480");
 *
 * baton_call_client_create_call_agent_async (client, credential, options, NULL,
 *                                            agent_ready_cb, NULL);
 * ```
 *
 * Everything asynchronous happens on the thread-default main context of the
 * thread that calls it.
 */
struct _BatonCallClient
{
  GObject             parent_instance;

  BatonDeviceManager *devices;
};

G_DEFINE_FINAL_TYPE (BatonCallClient, baton_call_client, G_TYPE_OBJECT)

static void
baton_call_client_dispose (GObject *object)
{
  BatonCallClient *self = (BatonCallClient *)object;

  g_clear_object (&self->devices);

  G_OBJECT_CLASS (baton_call_client_parent_class)->dispose (object);
}

static void
baton_call_client_class_init (BatonCallClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = baton_call_client_dispose;
}

static void
baton_call_client_init (BatonCallClient *self)
{
}

/**
 * baton_call_client_new:
 *
 * Returns: (transfer full): a new #BatonCallClient
 */
BatonCallClient *
baton_call_client_new (void)
{
  return g_object_new (BATON_TYPE_CALL_CLIENT, NULL);
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!baton_call_agent_connect_finish (BATON_CALL_AGENT (object), result, &error))
    {
      BATON_INFO ("could not create the agent: %s", error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_object_ref (object), g_object_unref);
}

/**
 * baton_call_client_create_call_agent_async:
 * @self: a #BatonCallClient
 * @credential: the token to sign in with
 * @options: where to connect
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the agent is connected, or failed
 * @user_data: data for @callback
 *
 * Connects to the calling service and registers an agent of the user the
 * token names. Several agents may live in one process, each with its own
 * connection.
 */
void
baton_call_client_create_call_agent_async (BatonCallClient       *self,
                                           BatonTokenCredential  *credential,
                                           BatonCallAgentOptions *options,
                                           GCancellable          *cancellable,
                                           GAsyncReadyCallback    callback,
                                           gpointer               user_data)
{
  g_autoptr(BatonCallAgent) agent = NULL;
  GTask *task;

  g_return_if_fail (BATON_IS_CALL_CLIENT (self));
  g_return_if_fail (BATON_IS_TOKEN_CREDENTIAL (credential));
  g_return_if_fail (BATON_IS_CALL_AGENT_OPTIONS (options));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, baton_call_client_create_call_agent_async);

  agent = baton_call_agent_new (baton_call_client_get_device_manager (self), credential, options);
  baton_call_agent_connect_async (agent, cancellable, connect_cb, task);
}

/**
 * baton_call_client_create_call_agent_finish:
 * @self: a #BatonCallClient
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes baton_call_client_create_call_agent_async(). An invalid or
 * expired token fails with %BATON_ERROR_INVALID_TOKEN; an unreachable
 * service with %BATON_ERROR_CONNECTION.
 *
 * Returns: (transfer full): the connected agent, or %NULL on error
 */
BatonCallAgent *
baton_call_client_create_call_agent_finish (BatonCallClient  *self,
                                            GAsyncResult     *result,
                                            GError          **error)
{
  g_return_val_if_fail (BATON_IS_CALL_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        baton_call_client_create_call_agent_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * baton_call_client_get_device_manager:
 * @self: a #BatonCallClient
 *
 * Gets the device manager of this client; its selection applies to the
 * calls of every agent made by this client.
 *
 * Returns: (transfer none): the device manager
 */
BatonDeviceManager *
baton_call_client_get_device_manager (BatonCallClient *self)
{
  g_return_val_if_fail (BATON_IS_CALL_CLIENT (self), NULL);

  if (self->devices == NULL)
    self->devices = baton_device_manager_new ();
  return self->devices;
}
