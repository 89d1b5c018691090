"""Static files storage for production: hashed, compressed names (WhiteNoise), with the paths of
ES module imports rewritten too, so that `import { live } from "./live.js"` and the page's
`<script type="module" src="{% static 'js/live.js' %}">` name the same URL: one module instance,
one websocket per tab."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
