/** Getting started: authenticate, call the API with the SDK (@akashic/sdk), verify webhook signatures. */
import { Panel } from '../../components/layout';
import { Link } from '../../router';
import { useSession } from '../../session';
import { CodeBlock } from './CodeBlock';

export function GettingStarted() {
  const { isAdmin } = useSession();
  const origin = window.location.origin;
  return (
    <>
      <Panel title="1. Get a credential">
        <p>
          Integrations authenticate with an <strong>organization API key</strong> (<code>akk_…</code>): it belongs to
          the organization, not to a person, acts with a role and scopes an admin picks, and can be rotated without
          downtime.{' '}
          {isAdmin ? (
            <Link to="/developers/keys">Create an API key</Link>
          ) : (
            'Ask an admin of your organization to create one.'
          )}{' '}
          For your own scripts, a <Link to="/tokens">personal token</Link> (<code>akp_…</code>) acts as you.
        </p>
        <p className="muted">
          Every request is limited per key (and per person) by your organization’s plan: responses carry{' '}
          <code>RateLimit</code> and <code>RateLimit-Policy</code>; a <code>429</code> says when to retry in{' '}
          <code>Retry-After</code>.
        </p>
      </Panel>
      <Panel title="2. Call the API">
        <p>With curl:</p>
        <CodeBlock label="curl example" code={`curl ${origin}/api/v1/org \\\n  -H 'Authorization: Bearer akk_…'`} />
        <p>
          With the TypeScript SDK, <code>@akashic/sdk</code> (Node 20+ and browsers), typed from the same OpenAPI
          document as the <Link to="/developers/reference">API reference</Link>:
        </p>
        <CodeBlock
          label="SDK example"
          code={`import { createClient, AkashicApiError } from '@akashic/sdk';

const akashic = createClient({
  baseUrl: '${origin}',
  token: process.env.AKASHIC_API_KEY, // akk_…
});

try {
  const org = await akashic.getOrg();
  console.log(org.name);
} catch (e) {
  if (e instanceof AkashicApiError) console.error(e.status, e.code, e.message);
  else throw e;
}`}
        />
        <p>
          Prefer GraphQL? <code>POST /api/graphql</code> exposes the same operations; try them in the{' '}
          <Link to="/developers/graphql">GraphQL explorer</Link>.
        </p>
      </Panel>
      <Panel title="3. Verify webhook deliveries">
        <p>
          Webhooks are signed with the Standard Webhooks scheme. Verify the raw body before parsing it; while a signing
          secret is being rotated, pass both secrets.
        </p>
        <CodeBlock
          label="Webhook verification example"
          code={`import { verifyWebhook, WebhookVerificationError } from '@akashic/sdk';

export async function handle(request: Request): Promise<Response> {
  const body = await request.text();
  try {
    await verifyWebhook(process.env.AKASHIC_WEBHOOK_SECRET!, request.headers, body); // whsec_…
  } catch (e) {
    if (e instanceof WebhookVerificationError) return new Response('invalid signature', { status: 400 });
    throw e;
  }
  const event = JSON.parse(body);
  // … handle event.type
  return new Response(null, { status: 204 });
}`}
        />
      </Panel>
    </>
  );
}
