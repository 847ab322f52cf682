"""The research agents' tools for reading the web safely.

``fetch`` gets a page without letting a URL reach the inside network (SSRF), ``html_text`` turns HTML
into the prose a human reader sees, and ``quarantine`` keeps that text from being taken as instructions.
"""
