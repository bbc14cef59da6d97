"""Users, roles, login with two factors, and the guards that scope access by unit."""
