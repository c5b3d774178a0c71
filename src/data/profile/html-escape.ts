/**
 * Escaping for text and attribute values in the HTML report: every user-supplied string (column
 * names, category values, titles) passes through here, so a name like `<script>` renders as text.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape a string for HTML text or a quoted attribute value. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}
