/**
 * The scheduling logic in virtual time (sim/): the whole set runs in one
 * process, since starting one costs more than most of its cases.
 */
import "./providers.js";
import "./claims.js";
import "./pools.js";
