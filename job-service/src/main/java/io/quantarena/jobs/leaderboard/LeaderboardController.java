package io.quantarena.jobs.leaderboard;

import io.quantarena.jobs.evaluations.Datasets;
import io.quantarena.jobs.jobs.JobRepository;
import io.quantarena.jobs.jobs.SupportedFtypes;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

import java.util.List;

@Controller
public class LeaderboardController {

    private final Leaderboard leaderboard;
    private final JobRepository jobs;
    private final SupportedFtypes ftypes;
    private final Datasets datasets;

    public LeaderboardController(Leaderboard leaderboard, JobRepository jobs, SupportedFtypes ftypes, Datasets datasets) {
        this.leaderboard = leaderboard;
        this.jobs = jobs;
        this.ftypes = ftypes;
        this.datasets = datasets;
    }

    @GetMapping("/api/leaderboard")
    @ResponseBody
    public List<Leaderboard.ModelBoard> api(@RequestParam(required = false) String model) {
        return leaderboard.boards(model);
    }

    /** The server-rendered page; a few lines of script refresh the jobs table (no build step). */
    @GetMapping({"/", "/leaderboard"})
    public String page(@RequestParam(required = false) String model, Model view) {
        view.addAttribute("boards", leaderboard.boards(model));
        view.addAttribute("jobs", jobs.find(null, null, 50));
        view.addAttribute("ftypes", ftypes.names());
        view.addAttribute("datasets", datasets.names());
        return "leaderboard";
    }
}
