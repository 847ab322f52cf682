"""Graph stores behind one interface: embedded ladybug (default) and Neo4j. Parameterized Cypher only."""
