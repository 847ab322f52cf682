"""Physics validation of process designs: steady-state flowsheet simulation (BioSTEAM/thermosteam, or DWSIM
where installed) and closed-loop simulation of the P&ID control loops (python-control)."""
