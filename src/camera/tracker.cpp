#include "camera/tracker.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "camera/plate_text_similarity.h"

namespace safelane::camera {
namespace {

cv::Point2f Centre(const cv::Rect2f& r) {
  return {r.x + r.width / 2, r.y + r.height / 2};
}

cv::Rect2f AtCentre(cv::Point2f c, float w, float h) {
  return {c.x - w / 2, c.y - h / 2, w, h};
}

}  // namespace

float Iou(const cv::Rect2f& a, const cv::Rect2f& b) {
  const float inter = (a & b).area();
  const float uni = a.area() + b.area() - inter;
  return uni > 0 ? inter / uni : 0.0F;
}

Result<Done> ValidateTrackerOptions(const TrackerOptions& o) {
  if (!(o.min_iou > 0 && o.min_iou < 1) || !(o.max_jump_widths >= 0 && o.max_jump_widths <= 20) ||
      o.confirm_hits < 1 || o.confirm_hits > 100 || o.max_missed < 0 || o.max_missed > 1000 ||
      !(o.alpha > 0 && o.alpha <= 1) || !(o.beta >= 0 && o.beta <= 1) ||
      !(o.min_text_similarity > 0 && o.min_text_similarity <= 1) ||
      !(o.min_appearance > 0 && o.min_appearance <= 1) ||
      !(o.appearance_gain > 0 && o.appearance_gain <= 1) || o.still_after_hits < 2 ||
      o.still_after_hits > 100000 || !(o.max_width_ratio >= 1 && o.max_width_ratio <= 100) ||
      !(o.still_contradicting_text >= 0 && o.still_contradicting_text <= 1)) {
    return Error(
        ErrorCode::kBadConfig,
        "tracker options out of bounds: min_iou (0,1), max_jump_widths [0,20], "
        "confirm_hits 1..100, max_missed 0..1000, alpha (0,1], beta [0,1], "
        "min_text_similarity (0,1], min_appearance (0,1], appearance_gain (0,1], "
        "still_after_hits 2..100000, still_contradicting_text [0,1], max_width_ratio [1,100]");
  }
  return Done{};
}

bool Tracker::StandsStill(const TrackState& track) const {
  const cv::Point2f moved = Centre(track.box) - track.first_centre;
  return track.hits >= options_.still_after_hits &&
         std::hypot(moved.x, moved.y) < 0.5F * std::max(track.box.width, 1.0F);
}

std::vector<cv::Rect2f> Tracker::PredictSteps(float steps) const {
  std::vector<cv::Rect2f> predicted;
  predicted.reserve(tracks_.size());
  for (const auto& t : tracks_) {
    const cv::Point2f c = Centre(t.box) + t.velocity * steps;
    predicted.push_back(AtCentre(c, t.box.width, t.box.height));
  }
  return predicted;
}

std::vector<cv::Rect2f> Tracker::Predict(std::int64_t frame_index) const {
  const auto steps = static_cast<float>(
      last_frame_ < 0 ? 1 : std::max<std::int64_t>(1, frame_index - last_frame_));
  return PredictSteps(steps);
}

std::vector<std::int64_t> Tracker::Update(std::int64_t frame_index,
                                          std::span<const TrackDetection> detections) {
  ended_.clear();
  ended_tentative_.clear();
  const auto steps = static_cast<float>(
      last_frame_ < 0 ? 1 : std::max<std::int64_t>(1, frame_index - last_frame_));
  last_frame_ = frame_index;

  const std::vector<cv::Rect2f> predicted = PredictSteps(steps);

  // Score every admissible pair, then assign greedily, best first.
  std::vector<std::tuple<float, std::size_t, std::size_t>> pairs;  // score, track, detection
  for (std::size_t t = 0; t < tracks_.size(); ++t) {
    for (std::size_t d = 0; d < detections.size(); ++d) {
      // A plate's width changes little between sightings; a box much wider or narrower is
      // another thing (a sign the vehicle passes, a fragment of background text).
      const float wide = std::max(detections[d].box.width, predicted[t].width);
      const float narrow = std::max(std::min(detections[d].box.width, predicted[t].width), 1.0F);
      if (wide / narrow > options_.max_width_ratio) continue;
      const float iou = Iou(predicted[t], detections[d].box);
      const bool still = StandsStill(tracks_[t]);
      if (still && !detections[d].text.empty() && !tracks_[t].last_text.empty() &&
          PlateTextSimilarity(detections[d].text, tracks_[t].last_text) <
              options_.still_contradicting_text) {
        // A plate read as something else passing over text that stands still (a sign, a
        // parked car's plate) is the passing vehicle's, not the still thing's.
        continue;
      }
      if (iou >= options_.min_iou) {
        pairs.emplace_back(1.0F + iou, t, d);
        continue;
      }
      // What stands still and went unseen is hidden where it stands (a vehicle passes in
      // front of it): it is not looked for elsewhere, by text or by looks.
      if (still) continue;
      const cv::Point2f gap = Centre(detections[d].box) - Centre(predicted[t]);
      const float dist = std::hypot(gap.x, gap.y);
      // The re-identification window: the gate widens with every frame the track went
      // unseen. A track seen once has no velocity yet, so its prediction is where it was:
      // its gate widens with every frame interval since, processed or not (a loaded node
      // processing every 8th frame sees an entering vehicle 8 frames' travel further on).
      const auto unseen = tracks_[t].hits == 1
                              ? std::max<std::int64_t>(1, frame_index - tracks_[t].last_seen)
                              : 1 + tracks_[t].missed;
      const float reach = options_.max_jump_widths * std::max(predicted[t].width, 1.0F) *
                          static_cast<float>(unseen);
      if (dist > reach) continue;
      // A moving vehicle does not reverse: what lies behind where its track was last seen
      // (the next vehicle entering the frame behind it) is not it.
      const TrackState& tr = tracks_[t];
      const float speed = std::hypot(tr.velocity.x, tr.velocity.y);
      if (tr.hits >= 2 && speed > 0.05F * std::max(tr.box.width, 1.0F)) {
        const cv::Point2f ahead = Centre(detections[d].box) - tr.last_centre;
        if (ahead.x * tr.velocity.x + ahead.y * tr.velocity.y < 0) continue;
        // Nor does it change lanes by more than max_jump_widths however long it went unseen:
        // the gate widens along its motion, not across it (a vehicle crossing the other way
        // in the next lane is not it, even when it looks alike).
        const float across = std::abs(gap.x * tr.velocity.y - gap.y * tr.velocity.x) / speed;
        if (across > options_.max_jump_widths * std::max(predicted[t].width, 1.0F)) continue;
      }
      const float text = PlateTextSimilarity(detections[d].text, tracks_[t].last_text);
      const float look = AppearanceSimilarity(detections[d].appearance, tracks_[t].appearance);
      const bool text_match = text >= options_.min_text_similarity;
      const bool look_match = look >= options_.min_appearance;
      if (!text_match && !look_match) continue;
      // Below every IoU pair; nearer and more alike first.
      const float alike = std::max(text_match ? text : 0.0F, look_match ? look : 0.0F);
      pairs.emplace_back(alike * (1.0F - dist / (reach + 1.0F)), t, d);
    }
  }
  std::sort(pairs.begin(), pairs.end(),
            [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
  std::vector<std::int64_t> ids(detections.size(), 0);
  std::vector<bool> track_taken(tracks_.size(), false);
  for (const auto& [score, t, d] : pairs) {
    if (track_taken[t] || ids[d] != 0) continue;
    track_taken[t] = true;
    TrackState& track = tracks_[t];
    ids[d] = track.id;
    // Alpha-beta update of the centre; size follows the measurement with the same gain.
    const cv::Point2f pc = Centre(predicted[t]);
    const cv::Point2f residual = Centre(detections[d].box) - pc;
    const cv::Point2f c = pc + residual * options_.alpha;
    if (track.hits == 1) {
      // Second sighting: the displacement is the velocity (a vehicle enters at speed, and a
      // filter starting from rest would lag it out of its own gate at a low frame rate).
      track.velocity = (Centre(detections[d].box) - Centre(track.box)) / steps;
    } else {
      track.velocity += residual * (options_.beta / steps);
    }
    const float w = track.box.width + options_.alpha * (detections[d].box.width - track.box.width);
    const float h =
        track.box.height + options_.alpha * (detections[d].box.height - track.box.height);
    track.box = AtCentre(c, w, h);
    ++track.hits;
    track.missed = 0;
    track.last_seen = frame_index;
    track.last_centre = c;
    if (track.hits >= options_.confirm_hits) track.confirmed = true;
    if (!detections[d].text.empty()) track.last_text = detections[d].text;
    BlendAppearance(track.appearance, detections[d].appearance, options_.appearance_gain);
  }

  // Unassigned tracks coast on their prediction or end.
  std::vector<TrackState> kept;
  kept.reserve(tracks_.size() + detections.size());
  for (std::size_t t = 0; t < tracks_.size(); ++t) {
    TrackState& track = tracks_[t];
    if (!track_taken[t]) {
      // Counted in frames seen, not time: after a stream outage a track gets max_missed
      // more frames to be found where its motion says it went.
      ++track.missed;
      track.box = predicted[t];
      const int allowed = track.confirmed ? options_.max_missed : 0;
      if (track.missed > allowed) {
        (track.confirmed ? ended_ : ended_tentative_).push_back(track.id);
        continue;
      }
    }
    kept.push_back(std::move(track));
  }
  tracks_ = std::move(kept);

  // Births.
  for (std::size_t d = 0; d < detections.size(); ++d) {
    if (ids[d] != 0) continue;
    TrackState track;
    track.id = next_id_++;
    track.box = detections[d].box;
    track.first_centre = Centre(detections[d].box);
    track.hits = 1;
    track.last_seen = frame_index;
    track.last_centre = track.first_centre;
    track.confirmed = options_.confirm_hits <= 1;
    track.last_text = detections[d].text;
    track.appearance = detections[d].appearance;
    ids[d] = track.id;
    tracks_.push_back(std::move(track));
  }
  return ids;
}

void Tracker::Flush() {
  ended_.clear();
  ended_tentative_.clear();
  for (const auto& t : tracks_) (t.confirmed ? ended_ : ended_tentative_).push_back(t.id);
  tracks_.clear();
}

}  // namespace safelane::camera
