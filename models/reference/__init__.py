"""Reference data: GB/T 2260 regions, county–district pairings, occupations and skills."""
