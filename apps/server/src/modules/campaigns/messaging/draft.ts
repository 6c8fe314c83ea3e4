/**
 * AI drafting for a version: the organization's provider, the prompt built from the campaign, the version's
 * audience and channel and the rules the checks apply; the suggestion comes back checked and is not saved.
 */
import type { Campaign, DraftSuggestion } from '@akashic/contracts';
import type { CampaignCtx } from '../access.js';
import { AiNotConfiguredError, AiProviderError, aiErrorToAppError, chatCompletion, resolveProvider } from './ai.js';
import { checksFor, type Version } from './messages.js';
import { buildDraftPrompt, type AudienceKind } from './prompt.js';
import { readRules, readStoredProvider } from './settings.js';

/** A draft waits this long for the provider (after the request's transaction has committed: no connection held). */
const DRAFT_TIMEOUT_MS = 30_000;

const PROMPT_KIND: Record<Version['audience']['kind'], AudienceKind> = {
  base: 'base',
  american_nations_region: 'region',
  demographic: 'demographic',
  segment: 'segment',
};

export async function draftFor(
  ctx: CampaignCtx,
  c: Campaign,
  v: Version,
  body: { request: string; currentText?: string | undefined },
): Promise<DraftSuggestion> {
  const { tx, org, services } = ctx;
  const rules = await readRules(tx, org.id, c.id);
  try {
    const provider = resolveProvider(await readStoredProvider(tx, org.id), services.config.secret, org.id);
    const messages = buildDraftPrompt({
      campaign: c,
      audience: {
        kind: PROMPT_KIND[v.audience.kind],
        name: v.audience.label,
        ...(v.audience.description ? { description: v.audience.description } : {}),
      },
      channel: v.channel,
      rules: {
        ...(rules.disclaimer ? { disclaimer: rules.disclaimer } : {}),
        bannedTerms: rules.bannedTerms,
        mergeFields: rules.mergeFields,
      },
      request: body.request,
      ...((body.currentText ?? v.head?.text) ? { currentText: body.currentText ?? v.head!.text } : {}),
      today: new Date().toISOString().slice(0, 10),
    });
    const complete = async (): Promise<DraftSuggestion> => {
      try {
        const answer = await chatCompletion(provider, messages, { timeoutMs: DRAFT_TIMEOUT_MS });
        const text = answer.content.trim();
        return { text, model: answer.model || provider.model, checks: checksFor(v.channel, text, rules) };
      } catch (e) {
        if (e instanceof AiProviderError) throw aiErrorToAppError(e);
        throw e;
      }
    };
    // Everything the prompt needs is read; the provider may take many seconds, so it is called once the request's
    // transaction has committed and its connection is back in the pool. The answer fills the response before it
    // is projected and sent.
    if (!tx.afterCommit) return await complete();
    const out = {} as DraftSuggestion;
    tx.afterCommit(async () => void Object.assign(out, await complete()));
    return out;
  } catch (e) {
    if (e instanceof AiNotConfiguredError || e instanceof AiProviderError) throw aiErrorToAppError(e);
    throw e;
  }
}
