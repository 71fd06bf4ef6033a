/**
 * How a setting of a provider's settings schema appears in a form: what the Node-RED editor's shared
 * script (`resources/oauth2-editor.js`) needs to render a dialog row, its default, its validator
 * and when it is shown. The schema entry stays the one home of the setting; this is its look.
 */
export interface SettingUi {
  /** Font Awesome 4 icon name without the `fa-` prefix. */
  icon: string;
  /** A label that fits Node-RED's narrow label column, when the schema's label does not. */
  short?: string;
  placeholder?: string;
  /** The collapsed "Advanced" section it sits in (with this heading); absent = the main rows. */
  section?: 'request' | 'response' | 'api';
  /** The description's choice list (a key of the editor description) of a `choice` setting. */
  choices?: string;
  /** Shown only while another setting has one of these values. */
  when?: { setting: string; values: readonly string[] };
  /** Shown for every grant although the schema's `grants` is narrower (e.g. refresh settings: any grant's server may send a refresh token). */
  shownFor?: 'all';
  /** Validation beyond the kind: comma-separated HTTP statuses, or a decimal number. */
  format?: 'statuses' | 'decimal';
  /**
   * A button beside the input that runs this action: `discover` fills the endpoints from the API's
   * metadata; `import-key` reads a service-account JSON key file (in the browser) into the fields.
   */
  action?: 'discover' | 'import-key' | 'register';
  /** Notes shown under the row while it is shown (and only for these grants); `code` in backticks. */
  tips?: ReadonlyArray<{ text: string; grants?: readonly string[] }>;
}

export type SettingKind = 'text' | 'secret' | 'number' | 'boolean' | 'choice' | 'map' | 'list' | 'json';

/** One setting of a provider's settings schema: its name in both hosts' stored settings, and what it is. */
export interface SettingSpec {
  name: string;
  label: string;
  kind: SettingKind;
  /** Grants that use it; undefined = every grant. */
  grants?: readonly string[];
  /** Kept with the host's credentials although not secret (Node-RED: a `text` credential). Secrets always are. */
  credential?: true;
  /** The value of a new node or credential (absent: empty, or off for a switch). */
  default?: string | boolean;
  required?: true;
  /** How the setting appears in a form (Node-RED's dialog row); absent when no host renders it from here. */
  ui?: SettingUi;
}

/** Node-RED's credential fields of a schema: the secrets (`password`) and the settings kept with them (`text`). */
export function credentialFieldsOf(settings: readonly SettingSpec[]): Readonly<Record<string, 'text' | 'password'>> {
  return Object.fromEntries(settings.filter((s) => s.kind === 'secret' || s.credential).map((s) => [s.name, s.kind === 'secret' ? 'password' : 'text']));
}

/** The Advanced sections in the order the dialog shows them, with their headings. */
export const SETTING_SECTIONS: ReadonlyArray<{ id: NonNullable<SettingUi['section']>; title: string }> = [
  { id: 'request', title: 'Token request' },
  { id: 'response', title: 'Token response' },
  { id: 'api', title: 'API calls' },
];
