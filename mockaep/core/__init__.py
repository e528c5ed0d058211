"""The emulator's core: no Flask, no HTTP. Request context, clock, errors, ids, the JSON reader,
the store, validation, and the mechanics every service shares (resource kinds, pagers, JSON
Patch, If-Match). The web layer (``mockaep.web``) adapts HTTP requests onto it."""
