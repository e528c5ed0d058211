"""The Flask side: gateway hooks, error renderers, parsing of headers and query strings into
typed values, the control plane and the IMS token endpoint."""
