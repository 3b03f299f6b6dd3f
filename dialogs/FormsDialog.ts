/** `forms.download`: the company's application forms — the one asked for as a PDF, or the catalogue with links. */
import { WaterfallDialog } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import { findForms, FORMS, renderFormPdf, formTitle } from '../src/documents/forms';
import { fileActivity, tr, turnInfo } from './context';

export class FormsDialog extends WaterfallDialog {
  constructor(app: App) {
    super('forms.download', [
      async (step) => {
        const info = turnInfo(step.context);
        const query = info.nlu?.text ?? '';
        const hits = query ? findForms(query, info.locale) : [];
        if (hits.length === 1 || (hits.length > 1 && hits.length <= 2)) {
          const form = hits[0];
          const pdf = await renderFormPdf(form.slug);
          await step.context.sendActivity(fileActivity(tr(step.context, 'formsDialog.one', { title: formTitle(form, info.locale), url: `${app.config.publicUrl}/forms/${form.slug}.pdf` }), pdf, 'application/pdf', `${form.slug}.pdf`));
          return step.endDialog();
        }
        const lines = [tr(step.context, 'formsDialog.catalogue')];
        for (const f of FORMS) lines.push(`• ${formTitle(f, info.locale)}: ${app.config.publicUrl}/forms/${f.slug}.pdf`);
        await step.context.sendActivity(lines.join('\n'));
        return step.endDialog();
      },
    ]);
  }
}
