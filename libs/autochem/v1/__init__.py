"""Generated from protos/autochem/v1 by `make protos`; do not edit."""
