package io.tandem.reliability;

import io.tandem.config.ConfigReader;

import java.time.Duration;

/**
 * The reliability policy (DESIGN.md): points per kind of offence, the window they count in, the
 * first offence in the window waived, and suspension once the unwaived points in the window
 * reach {@code suspendAtPoints}. {@code bookingCancelledPoints}: an expert's cancellation of a confirmed booking. {@code missedOffersOffline} missed offers in a row set an expert offline.
 */
public record PenaltyConfig(
    int offerTimeoutPoints,
    int missedOffersOffline,
    int expertNoShowPoints,
    int clientNoShowPoints,
    int latePoints,
    int expertLeftPoints,
    int bookingCancelledPoints,
    Duration window,
    int suspendAtPoints,
    Duration suspension,
    boolean waiveFirstOffence) {
  public static PenaltyConfig from(ConfigReader r) {
    return new PenaltyConfig(
        r.intBetween("offerTimeoutPoints", 0, 100),
        r.intBetween("missedOffersOffline", 1, 100),
        r.intBetween("expertNoShowPoints", 0, 100),
        r.intBetween("clientNoShowPoints", 0, 100),
        r.intBetween("latePoints", 0, 100),
        r.intBetween("expertLeftPoints", 0, 100),
        r.intBetween("bookingCancelledPoints", 0, 100),
        Duration.ofDays(r.intBetween("windowDays", 1, 365)),
        r.intBetween("suspendAtPoints", 1, 1000),
        Duration.ofHours(r.intBetween("suspendHours", 1, 24 * 365)),
        r.bool("waiveFirstOffence"));
  }
}
