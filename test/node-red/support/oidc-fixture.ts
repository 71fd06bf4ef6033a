// The lifecycle the Node-RED tests against oidc-provider share: a protected resource (RFC 9728)
// naming the provider, the provider with the test's configuration, a fresh user directory per test,
// and everything stopped at the end. Returns getters, valid once `beforeAll` has run.
import { helper, tempUserDir, useSettings } from './helper';
import { startOidcProvider, type OidcTestConfig, type OidcTestServer } from '../../support/oidc-provider';
import { startProtectedResource, type ProtectedResource } from '../../support/protected-resource';

export interface OidcFixture {
  oidc(): OidcTestServer;
  rs(): ProtectedResource;
  /** The current test's user directory. */
  userDir(): string;
}

export function useOidcFixture(config: (rs: ProtectedResource) => OidcTestConfig): OidcFixture {
  let oidc: OidcTestServer | undefined;
  let rs: ProtectedResource | undefined;
  let userDir = '';
  beforeAll(async () => {
    rs = await startProtectedResource(() => (oidc as OidcTestServer).issuer);
    oidc = await startOidcProvider(config(rs));
  });
  beforeEach(() => {
    userDir = tempUserDir();
    useSettings(userDir);
    rs?.reset();
  });
  afterEach(async () => helper.unload());
  afterAll(async () => {
    await oidc?.stop();
    await rs?.close();
  });
  return { oidc: () => oidc as OidcTestServer, rs: () => rs as ProtectedResource, userDir: () => userDir };
}
