// Service JavaScript entry point (ES module).
// Loaded with: <script type="module" src="/static/js/application.js"></script>
// No inline script anywhere: the Content-Security-Policy forbids it.
import { initAll } from './govuk-frontend.min.js'

// The GOV.UK page template normally adds these classes with an inline script.
// We cannot use inline script, so add them here. Only browsers that support
// ES modules run this file, which is exactly GOV.UK Frontend's support test.
// initAll() does nothing unless <body> has `govuk-frontend-supported`.
document.body.classList.add('js-enabled', 'govuk-frontend-supported')

initAll()
