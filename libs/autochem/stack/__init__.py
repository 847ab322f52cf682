"""The local stack: the embedded Kafka-protocol broker and the service processes, for one machine."""
