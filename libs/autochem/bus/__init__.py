"""The event bus: typed topics, envelopes, an acks=all publisher and an exactly-once-effect consumer.

See DESIGN.md §4. Import the pieces from their modules (``autochem.bus.consumer`` ...); this package
keeps imports light so the local-stack CLI can create topics without loading consumer machinery.
"""
