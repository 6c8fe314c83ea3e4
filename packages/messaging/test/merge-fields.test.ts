import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMergeFields, renderMergeFields, unfilledFields } from '../src/index.js';

const ALLOWED = ['first_name', 'polling_place', 'precinct'];

describe('merge fields', () => {
  it('parses {{name}} and {{name|fallback}}, with spaces, case-insensitively', () => {
    const text = 'Hi {{ First_Name | friend }}, vote at {{polling_place}}{{precinct|}}.';
    expect(parseMergeFields(text, ALLOWED)).toEqual({
      fields: [
        { name: 'first_name', fallback: 'friend', start: 3, end: 28 },
        { name: 'polling_place', start: 38, end: 55 },
        { name: 'precinct', fallback: '', start: 55, end: 68 },
      ],
      problems: [],
    });
  });

  it('reports unknown fields with the names that are available', () => {
    const { fields, problems } = parseMergeFields('Hi {{nickname}}!', ALLOWED);
    expect(fields).toHaveLength(1);
    expect(problems).toEqual([
      {
        kind: 'unknown',
        name: 'nickname',
        start: 3,
        end: 15,
        message: 'Unknown merge field “nickname”. Available: first_name, polling_place, precinct.',
      },
    ]);
    expect(parseMergeFields('{{x}}', [])).toMatchObject({ problems: [{ kind: 'unknown' }] });
    // Without an allowed list, any well-formed name is accepted.
    expect(parseMergeFields('{{anything_9}}').problems).toEqual([]);
  });

  it('reports unclosed and malformed fields, and keeps reading after them', () => {
    const text = 'A {{first_name B {{precinct}} C {{ first name }} D {{}} E {{1st}} F {{polling_place';
    const { fields, problems } = parseMergeFields(text, ALLOWED);
    expect(fields.map((f) => f.name)).toEqual(['precinct']);
    expect(problems.map((p) => [p.kind, text.slice(p.start, p.end)])).toEqual([
      ['unclosed', '{{'],
      ['invalid', '{{ first name }}'],
      ['invalid', '{{}}'],
      ['invalid', '{{1st}}'],
      ['unclosed', '{{'],
    ]);
    expect(problems[0]!.start).toBe(2);
    expect(problems[4]!.start).toBe(text.lastIndexOf('{{'));
  });

  it('treats single braces as text and finds a field inside extra braces', () => {
    expect(parseMergeFields('Code {x} and } and {', ALLOWED)).toEqual({ fields: [], problems: [] });
    const { fields, problems } = parseMergeFields('{{{first_name}}}', ALLOWED);
    expect(fields).toEqual([{ name: 'first_name', start: 1, end: 15 }]);
    expect(problems).toEqual([expect.objectContaining({ kind: 'unclosed', start: 0, end: 1 })]);
  });

  it('renders values, then fallbacks, and lists the fields left unfilled', () => {
    const text = 'Hi {{first_name|friend}}, your precinct is {{precinct}} at {{polling_place}}. {{bad';
    const full = renderMergeFields(text, { FIRST_NAME: 'Ana', precinct: 12, polling_place: 'City Hall' });
    expect(full).toEqual({ text: 'Hi Ana, your precinct is 12 at City Hall. {{bad', unfilled: [] });
    const partial = renderMergeFields(text, { first_name: '  ', precinct: null });
    expect(partial.text).toBe('Hi friend, your precinct is  at . {{bad');
    expect(partial.unfilled.map((f) => f.name)).toEqual(['precinct', 'polling_place']);
    expect(unfilledFields(text, { polling_place: 'School' }).map((f) => f.name)).toEqual(['precinct']);
  });

  it('leaves text without fields unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const text = s.replaceAll('{{', '{');
        expect(renderMergeFields(text, {})).toEqual({ text, unfilled: [] });
      }),
    );
  });

  it('renders what it parsed: every field replaced, everything else kept', () => {
    // The counterexample a random run found: a field named by the text around it, with no value.
    expect(renderMergeFields('{{ Hi  }}', { first_name: 'Ana' })).toMatchObject({ text: '' });
    const piece = fc.oneof(
      fc.constantFrom('Hi ', ', ', '{', '}', '{{ ', ' }}', 'é😀'),
      fc.constantFrom('{{first_name}}', '{{precinct|n/a}}', '{{ polling_place }}'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        const values: Record<string, string> = { first_name: 'Ana', precinct: '7', polling_place: 'Hall' };
        const { fields } = parseMergeFields(text);
        let expected = '';
        let at = 0;
        // A field the recipient has no value for (e.g. `{{ Hi }}` from the pieces) takes its fallback, else nothing,
        // and is reported unfilled.
        for (const f of fields) {
          expected += text.slice(at, f.start) + (values[f.name] ?? f.fallback ?? '');
          at = f.end;
        }
        const rendered = renderMergeFields(text, values);
        expect(rendered.text).toBe(expected + text.slice(at));
        expect(rendered.unfilled).toEqual(
          fields.filter((f) => values[f.name] === undefined && f.fallback === undefined),
        );
      }),
    );
  });
});
