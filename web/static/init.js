// Starts the NHS.UK design system's scripts (the header's menu, the error
// summary's focus, ...). A module, so it runs once the page is parsed.
import { initAll } from './nhsuk/nhsuk-frontend.min.js'

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported')
initAll()
