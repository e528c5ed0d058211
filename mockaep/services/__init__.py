"""The AEP services mockaep serves, one package each (see ``mockaep.registry`` for how they are
mounted). A service package never imports another: they meet through ``ctx.backend(name)``."""
