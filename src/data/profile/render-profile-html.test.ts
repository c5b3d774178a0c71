/**
 * renderProfileHtml: hostile column names and values are escaped, the page references no external
 * resource, and the report carries the numbers and charts of the profile.
 */
import { describe, expect, it } from 'vitest';
import { Frame } from '../../core/frame.js';
import { columnFromValues } from '../../core/frame-builder.js';
import { profileFrame } from './profile-frames.js';
import { renderProfileHtml } from './render-profile-html.js';

const EVIL = '<script>alert(1)</script>';
const EVIL_ATTR = '"><img src=x onerror=alert(2)>';

async function hostileHtml(): Promise<string> {
  const n = 40;
  const frame = new Frame([
    columnFromValues(EVIL, Array.from({ length: n }, (_, i) => i * 1.5), 'numeric'),
    columnFromValues(EVIL_ATTR, Array.from({ length: n }, (_, i) => (i % 3 === 0 ? EVIL : i % 3 === 1 ? "it's & <b>" : null)), 'categorical'),
    columnFromValues('when', Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 1 + i)), 'timestamp'),
    columnFromValues('flag', Array.from({ length: n }, (_, i) => i % 2 === 0), 'boolean'),
    columnFromValues('note', Array.from({ length: n }, (_, i) => `free text ${i} </svg>`), 'text'),
    columnFromValues('y', Array.from({ length: n }, (_, i) => (i * 7) % 11), 'numeric'),
  ]);
  return renderProfileHtml(await profileFrame(frame), { title: `Report ${EVIL}` });
}

describe('renderProfileHtml', () => {
  it('escapes every user string: no injected tags or attributes survive', async () => {
    const html = await hostileHtml();
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    // An event-handler attribute on a real tag would mean an attribute value broke out of its quotes.
    expect(html).not.toMatch(/<[a-z]+[^>]*\sonerror=/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain('it&#39;s &amp; &lt;b&gt;');
    // Balanced SVG tags: a value containing "</svg>" must not close a chart early.
    expect(html.split('<svg').length).toBe(html.split('</svg>').length);
    expect(html).toContain('<title>Report &lt;script&gt;');
  });

  it('is standalone: no external URLs, scripts, stylesheets or fonts', async () => {
    const html = await hostileHtml();
    expect(html).not.toMatch(/https?:/i);
    expect(html).not.toMatch(/<link|<script|@import|url\(/i);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  });

  it('shows the overview, a card per column, histograms, top values and both heatmaps', async () => {
    const html = await hostileHtml();
    expect(html).toContain('<td>Rows</td><td>40</td>');
    expect(html.match(/<article class="card"/g)?.length).toBe(6);
    expect(html).toContain('aria-label="histogram"');
    expect(html).toContain('aria-label="top values"');
    expect(html.match(/aria-label="correlation heatmap"/g)?.length).toBe(2);
    expect(html).toContain('2024-01-01T00:00:00.000Z');
    expect(html).toContain('(other)');
  });

  it('renders an empty profile', async () => {
    const html = renderProfileHtml(await profileFrame(new Frame([])));
    expect(html).toContain('<h1>Data profile</h1>');
    expect(html).toContain('no columns');
  });
});
