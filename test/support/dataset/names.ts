// Names people give their files and folders, and the slugs PCI File Manager builds storage keys from.
import type { Prng } from './prng';

const FIRST = ['Anna', 'Ben', 'Clara', 'David', 'Elif', 'Felix', 'Grace', 'Hiro', 'Inès', 'Jonas', 'Kai', 'Lena',
  'Mateo', 'Nora', 'Omar', 'Paula', 'Quentin', 'Rosa', 'Sven', 'Tara', 'Uwe', 'Vera', 'Wen', 'Yusuf', 'Zoë'];
const LAST = ['Müller', 'Schmidt', 'Rossi', 'García', 'Nguyen', 'Kowalski', 'Smith', 'Dubois', 'Tanaka', 'Öztürk',
  'Jensen', 'Novak', 'Silva', 'Brown', 'Fischer', 'Weber', 'Costa', 'Berg'];
const COMPANIES = ['ACME', 'Globex', 'Initech', 'Umbrella', 'Stark Industries', 'Wayne & Co', 'Café Luna', 'Bäckerei Huber'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
export const FOLDER_NAMES = ['Documents', 'Invoices', 'Photos', 'Projects', 'Contracts', 'HR', 'Marketing', 'Archive',
  'Scans', 'Shared', 'Clients', 'Taxes', 'Übersicht', 'Receipts'];
export const SUBFOLDER_NAMES = ['2021', '2022', '2023', '2024', '2025', 'Drafts', 'Final', 'Old', 'Q1', 'Q2', 'Q3', 'Q4'];

export function personName(rng: Prng): { first: string; last: string } {
  return { first: rng.pick(FIRST), last: rng.pick(LAST) };
}

/** A file's display name (without extension), in the style its type suggests. */
export function fileBaseName(rng: Prng, ext: string, when: Date): string {
  const year = when.getUTCFullYear();
  const date = when.toISOString().slice(0, 10);
  const company = rng.pick(COMPANIES);
  switch (ext) {
    case 'pdf': return rng.pick([`Invoice ${rng.int(1000, 9999)} ${company}`, `Contract ${company}`, `Report Q${rng.int(1, 4)} ${year}`, `Scan ${date}`]);
    case 'docx': return rng.pick([`Meeting notes ${date}`, `Proposal ${company}`, `Letter to ${rng.pick(LAST)}`, 'CV (final)']);
    case 'xlsx': return rng.pick([`Budget ${year}`, `Inventory ${rng.pick(MONTHS)}`, `Timesheet ${rng.pick(FIRST)}`, 'Überweisungen']);
    case 'jpg': case 'png': return rng.pick([`IMG_${rng.int(1000, 9999)}`, `Photo ${company}`, `Screenshot ${date}`, '東京 trip']);
    case 'mp4': return rng.pick([`Site walkthrough ${date}`, `Training video ${rng.int(1, 12)}`]);
    case 'zip': return rng.pick([`Project archive ${year}`, `Backup ${date}`, `Photos ${rng.pick(MONTHS)} ${year}`]);
    case 'csv': case 'json': return rng.pick([`export-${date}`, `contacts ${company}`, 'settings backup']);
    default: return rng.pick(['notes', 'todo', `Ideas ${rng.pick(MONTHS)}`, 'README', 'Café menu']);
  }
}

/** ASCII slug as PCI File Manager puts it into storage keys: "Überweisungen März" → "uberweisungen-marz". */
export function slugify(name: string): string {
  const slug = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
  return slug || 'file';
}
