"""Knowledge pipeline: documents → chunks → triples → canonical entities → communities → Graph RAG.

One function per step (chunking, extraction, canonicalization, communities, summaries, retrieval), a
graph store interface with an embedded (ladybug) and a Neo4j implementation, and the ChemAtlas corpus
that ships with the package.
"""
