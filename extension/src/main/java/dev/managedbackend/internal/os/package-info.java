/**
 * The bottom layer: facts of the operating system and the few actions on it that everything
 * above shares. Depends on nothing else of the extension.
 */
package dev.managedbackend.internal.os;
