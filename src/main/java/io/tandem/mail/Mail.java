package io.tandem.mail;

/**
 * One plain-text e-mail to one address. {@code messageId} is stable for what it says (a reminder's
 * is the booking's and the lead's), so that a copy sent again after a node died mid-way is one
 * message to the reader's mail program.
 */
public record Mail(String to, String subject, String text, String messageId) {}
