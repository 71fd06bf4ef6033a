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
}

/** The Advanced sections in the order the dialog shows them, with their headings. */
export const SETTING_SECTIONS: ReadonlyArray<{ id: NonNullable<SettingUi['section']>; title: string }> = [
  { id: 'request', title: 'Token request' },
  { id: 'response', title: 'Token response' },
  { id: 'api', title: 'API calls' },
];
