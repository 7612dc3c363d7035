"""The themes shipped with pdp; a package so that an installed pdp carries them."""
