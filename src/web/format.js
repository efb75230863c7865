// How cells look: Airtable's choice colours, numbers in their field's precision with thousands
// separators, and the icons of checkbox and rating fields. Dates are formatted by the server
// (cellFormat=string's one formatter, sent with the records as `dateText`), so the grid and the
// API's text never disagree.
import { h } from '/util.js';

// The 40 choice colours (airtable-api.md, "Colour enums"): background, and text on it.
const HUES = ['blue', 'cyan', 'teal', 'green', 'yellow', 'orange', 'red', 'pink', 'purple', 'gray'];
const SHADES = {
  Light2: ['#cfdfff', '#d0f0fd', '#c2f5e9', '#d1f7c4', '#ffeab6', '#fee2d5', '#ffdce5', '#ffdaf6', '#ede2fe', '#eeeeee'],
  Light1: ['#9cc7ff', '#77d1f3', '#72ddc3', '#93e088', '#ffd66e', '#ffa981', '#ff9eb7', '#f99de2', '#cdb0ff', '#cccccc'],
  Bright: ['#2d7ff9', '#18bfff', '#20d9d2', '#20c933', '#fcb400', '#ff6f2c', '#f82b60', '#ff08c2', '#8b46ff', '#666666'],
  Dark1: ['#2750ae', '#0b76b7', '#06a09b', '#338a17', '#b87503', '#d74d26', '#ba1e45', '#b2158b', '#6b1cb0', '#444444'],
};
export const COLORS = Object.fromEntries(HUES.flatMap((hue, i) => Object.entries(SHADES).map(([shade, list]) => [
  `${hue}${shade}`, { bg: list[i], fg: shade === 'Light2' || shade === 'Light1' ? '#1d1f25' : '#ffffff' }])));

// A choice's colour: its own, else one by its place among the field's choices (Airtable gives
// every choice one; choices made over the API without one still read apart).
export function choiceColor(field, name) {
  const choices = field.options?.choices || [];
  const i = choices.findIndex((c) => c.name === name);
  const own = i >= 0 ? choices[i].color : undefined;
  return COLORS[own] || COLORS[`${HUES[(i < 0 ? 9 : i) % HUES.length]}Light2`];
}

export const chip = (field, name) => {
  const c = choiceColor(field, name);
  return h('span', { class: 'chip', style: `background:${c.bg};color:${c.fg}` }, name);
};

// A number with `precision` decimals and thousands separators (en-US, as Airtable's default).
export function formatNumber(v, precision) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return String(v);
  const p = Number.isInteger(precision) ? Math.max(0, Math.min(8, precision)) : undefined;
  return v.toLocaleString('en-US', p === undefined ? { maximumFractionDigits: 8 } : { minimumFractionDigits: p, maximumFractionDigits: p });
}

export function formatCurrency(v, options = {}) {
  const text = formatNumber(Math.abs(v), options.precision ?? 2);
  return `${v < 0 ? '-' : ''}${options.symbol ?? '$'}${text}`;
}

export const formatPercent = (v, options = {}) => `${formatNumber(v * 100, options.precision ?? 0)}%`;

// Checkbox and rating icons (their `icon` option), drawn in the field's `color`.
const ICONS = { check: '✓', xCheckbox: '✗', star: '★', heart: '♥', thumbsUp: '☝', flag: '⚑', dot: '●' };
export function checkboxMark(field, checked) {
  const c = COLORS[field.options?.color] || COLORS.greenBright;
  return h('span', { class: `checkbox${checked ? ' checked' : ''}`, role: 'img', 'aria-label': checked ? 'checked' : 'unchecked', style: checked ? `background:${c.bg};border-color:${c.bg};color:${c.fg}` : '' },
    checked ? ICONS[field.options?.icon] || ICONS.check : '');
}
export function ratingMarks(field, value) {
  const max = field.options?.max ?? 5;
  const c = COLORS[field.options?.color] || COLORS.yellowBright;
  const icon = ICONS[field.options?.icon] || ICONS.star;
  return h('span', { class: 'rating', role: 'img', 'aria-label': `${value} of ${max}` },
    Array.from({ length: max }, (_, i) => h('span', { style: i < value ? `color:${c.bg}` : '', class: i < value ? 'on' : 'off' }, icon)));
}
