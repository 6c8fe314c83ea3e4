/**
 * The developer portal: getting started with the SDK and webhook verification, the API reference rendered from the
 * server's OpenAPI document, a GraphQL explorer, organization API keys, webhook endpoints with their delivery logs,
 * the webhook event catalogue, and a link to personal tokens.
 */
import type { ReactNode } from 'react';
import { PageHeader } from '../../components/layout';
import { Link } from '../../router';
import { useSession } from '../../session';
import { NotFoundPage } from '../Organization';
import { ApiKeysSection } from './ApiKeys';
import { ApiReference } from './ApiReference';
import { EventCatalogue } from './EventCatalogue';
import { GettingStarted } from './GettingStarted';
import { GraphqlExplorer } from './GraphqlExplorer';
import { DEVELOPERS_PATH } from './paths';
import { WEBHOOKS_PATH, WebhooksSection } from './Webhooks';

interface Section {
  to: string;
  label: string;
  adminOnly?: boolean;
  /** The section also owns the paths below `to` (an endpoint's delivery log, a delivery). */
  nested?: boolean;
  render?: (path: string) => ReactNode;
}

/**
 * The portal's sections, in navigation order; sections that live elsewhere in the console (personal tokens) are
 * links without `render`.
 */
const SECTIONS: Section[] = [
  { to: DEVELOPERS_PATH, label: 'Getting started', render: () => <GettingStarted /> },
  { to: `${DEVELOPERS_PATH}/reference`, label: 'API reference', render: () => <ApiReference /> },
  { to: `${DEVELOPERS_PATH}/graphql`, label: 'GraphQL explorer', render: () => <GraphqlExplorer /> },
  { to: `${DEVELOPERS_PATH}/keys`, label: 'API keys', adminOnly: true, render: () => <ApiKeysSection /> },
  {
    to: WEBHOOKS_PATH,
    label: 'Webhooks',
    adminOnly: true,
    nested: true,
    render: (path) => <WebhooksSection path={path} />,
  },
  { to: `${DEVELOPERS_PATH}/events`, label: 'Event catalogue', adminOnly: true, render: () => <EventCatalogue /> },
  { to: '/tokens', label: 'Personal tokens' },
];

export function DevelopersPage({ path }: { path: string }) {
  const { isAdmin } = useSession();
  const visible = SECTIONS.filter((s) => !s.adminOnly || isAdmin);
  const section = visible.find((s) => s.render && (s.to === path || (s.nested && path.startsWith(`${s.to}/`))));
  if (!section) return <NotFoundPage />;
  return (
    <>
      <PageHeader
        title={section.to === DEVELOPERS_PATH ? 'Developers' : `Developers · ${section.label}`}
        lead="Build on Akashic: the REST and GraphQL APIs, the TypeScript SDK, and credentials for your integrations."
      />
      <nav className="subnav" aria-label="Developer portal">
        <ul>
          {visible.map((s) => (
            <li key={s.to}>
              <Link to={s.to} aria-current={s === section ? (s.to === path ? 'page' : 'true') : undefined}>
                {s.label}
                {!s.render && <span className="sr-only"> (elsewhere in the console)</span>}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {section.render!(path)}
    </>
  );
}
