/** The compose version berth compose reports (`compose version`, com.docker.compose.version labels). */
export const COMPOSE_VERSION = '2.39.0-berth';
