// The Deployteq webhook flow deployed into embedded runtimes: POST /api/trigger → deployteq-webhook
// → http response, with a Catch node answering 500 and the error message.
export function deployteqFlow(sandboxUrl: string, webhookUrl: string, withSecret = true): unknown[] {
  const tab = { id: 'tab1', type: 'tab', label: 'Deployteq' };
  const config: Record<string, unknown> = {
    id: 'dtcfg', type: 'deployteq-oauth2', name: 'Deployteq sandbox', clientId: 'dt-client', grantType: 'authorization_code',
    authBaseUrl: `${sandboxUrl}/deployteq`, scopes: 'apps.webhook:execute offline_access',
  };
  if (withSecret) config.credentials = { clientSecret: 'dt-secret+%:&/x' };
  return [
    tab,
    config,
    { id: 'in1', z: 'tab1', type: 'http in', url: '/trigger', method: 'post', upload: false, wires: [['wh1']] },
    { id: 'wh1', z: 'tab1', type: 'deployteq-webhook', deployteq: 'dtcfg', url: webhookUrl, wires: [['clean']] },
    { id: 'clean', z: 'tab1', type: 'change', rules: [{ t: 'delete', p: 'headers', pt: 'msg' }], wires: [['res1']] },
    { id: 'res1', z: 'tab1', type: 'http response', statusCode: '', headers: {} },
    { id: 'catch1', z: 'tab1', type: 'catch', scope: ['wh1'], uncaught: false, wires: [['fail']] },
    {
      id: 'fail', z: 'tab1', type: 'change', wires: [['res1']],
      rules: [
        { t: 'delete', p: 'headers', pt: 'msg' },
        { t: 'set', p: 'payload', pt: 'msg', to: 'error.message', tot: 'msg' },
        { t: 'set', p: 'statusCode', pt: 'msg', to: '500', tot: 'num' },
      ],
    },
  ];
}
